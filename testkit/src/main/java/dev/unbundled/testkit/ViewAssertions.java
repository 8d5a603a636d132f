package dev.unbundled.testkit;

import dev.unbundled.ReadOnlyView;

/**
 * The entry point to AssertJ assertions on views.
 *
 * <pre>{@code
 * import static dev.unbundled.testkit.ViewAssertions.assertThat;
 *
 * assertThat(kit.view(ORDER_NOTES))
 *     .containsEntry("o-1", note)
 *     .doesNotContainKey("o-2")
 *     .hasSize(1);
 * }</pre>
 */
public final class ViewAssertions {
    private ViewAssertions() {
    }

    /**
     * @param actual the view to check
     * @param <K> the key type
     * @param <V> the value type
     * @return assertions on the view
     */
    public static <K, V> ViewAssert<K, V> assertThat(ReadOnlyView<K, V> actual) {
        return new ViewAssert<>(actual);
    }
}
