package dev.unbundled.testkit;

import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewIndex;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link ReadOnlyView}. Failure messages print what the view holds, so a failing
 * test shows the whole story. Reach it through {@link ViewAssertions#assertThat(ReadOnlyView)}.
 *
 * <pre>{@code
 * assertThat(view).containsExactlyEntriesOf(Map.of("o-1", note1, "o-2", note2));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ViewAssert<K, V> extends AbstractAssert<ViewAssert<K, V>, ReadOnlyView<K, V>> {
    private static final int SHOWN_ROWS = 20;

    ViewAssert(ReadOnlyView<K, V> actual) {
        super(actual, ViewAssert.class);
    }

    /**
     * Checks that the view maps the key to the value.
     *
     * @param key the key
     * @param value the expected value
     * @return this assertion
     */
    public ViewAssert<K, V> containsEntry(K key, V value) {
        isNotNull();
        Optional<V> found = actual.get(key);
        if (found.isEmpty()) {
            failWithMessage("%nExpecting view '%s' to contain%n  %s=%s%nbut it has no row for that key.%n%s",
                    actual.name(), key, value, content());
        } else if (!Objects.equals(found.get(), value)) {
            failWithMessage("%nExpecting view '%s' to contain%n  %s=%s%nbut the key maps to%n  %s%n%s",
                    actual.name(), key, value, found.get(), content());
        }
        return this;
    }

    /**
     * Checks that the view has a row for the key.
     *
     * @param key the key
     * @return this assertion
     */
    public ViewAssert<K, V> containsKey(K key) {
        isNotNull();
        if (actual.get(key).isEmpty()) {
            failWithMessage("%nExpecting view '%s' to contain key%n  %s%nbut it does not.%n%s",
                    actual.name(), key, content());
        }
        return this;
    }

    /**
     * Checks that the view has no row for the key.
     *
     * @param key the key
     * @return this assertion
     */
    public ViewAssert<K, V> doesNotContainKey(K key) {
        isNotNull();
        Optional<V> found = actual.get(key);
        if (found.isPresent()) {
            failWithMessage("%nExpecting view '%s' not to contain key%n  %s%nbut it maps it to%n  %s%n%s",
                    actual.name(), key, found.get(), content());
        }
        return this;
    }

    /**
     * Checks the number of rows, counted by scanning the view.
     *
     * @param expected the expected number of rows
     * @return this assertion
     */
    public ViewAssert<K, V> hasSize(int expected) {
        isNotNull();
        Map<K, V> rows = rows();
        if (rows.size() != expected) {
            failWithMessage("%nExpecting view '%s' to have %d rows but it has %d.%n%s",
                    actual.name(), expected, rows.size(), content(rows));
        }
        return this;
    }

    /** @return this assertion, after checking the view has no rows */
    public ViewAssert<K, V> isEmpty() {
        return hasSize(0);
    }

    /**
     * Checks that the view holds exactly these rows, no more and no fewer.
     *
     * @param expected the expected rows
     * @return this assertion
     */
    public ViewAssert<K, V> containsExactlyEntriesOf(Map<? extends K, ? extends V> expected) {
        isNotNull();
        Objects.requireNonNull(expected, "expected");
        Map<K, V> rows = rows();
        if (!rows.equals(expected)) {
            Map<Object, Object> missing = new LinkedHashMap<>();
            expected.forEach((k, v) -> {
                if (!Objects.equals(rows.get(k), v)) {
                    missing.put(k, v);
                }
            });
            Map<Object, Object> unexpected = new LinkedHashMap<>();
            rows.forEach((k, v) -> {
                if (!Objects.equals(expected.get(k), v)) {
                    unexpected.put(k, v);
                }
            });
            failWithMessage("%nExpecting view '%s' to hold exactly%n  %s%nbut these rows are missing or differ:%n  %s"
                    + "%nand these are unexpected:%n  %s%n%s", actual.name(), expected, missing, unexpected, content(rows));
        }
        return this;
    }

    /**
     * Checks that the view's index holds exactly these rows under this index key, in this order.
     *
     * <pre>{@code
     * assertThat(kit.view(NOTES)).hasIndexEntries(BY_CUSTOMER, "c-7", Map.of("o-1", note));
     * }</pre>
     *
     * @param index the index
     * @param indexKey the index key
     * @param expected the rows expected under it
     * @param <I> the index key type
     * @return this assertion
     */
    public <I> ViewAssert<K, V> hasIndexEntries(ViewIndex<I, ? super V> index, I indexKey,
                                              Map<? extends K, ? extends V> expected) {
        isNotNull();
        Objects.requireNonNull(expected, "expected");
        Map<K, V> found = actual.index(index).get(indexKey);
        if (!found.equals(expected)) {
            failWithMessage("%nExpecting index '%s' of view '%s' to hold under '%s' exactly%n  %s%nbut it holds%n  %s",
                    index.name(), actual.name(), indexKey, expected, found);
        }
        return this;
    }

    /**
     * Checks that the view's index is exactly the view's rows grouped by their index key: every row with an
     * index key is found under it, and the index holds nothing else.
     *
     * @param index the index
     * @param <I> the index key type
     * @return this assertion
     */
    public <I> ViewAssert<K, V> hasIndexMatchingRows(ViewIndex<I, ? super V> index) {
        isNotNull();
        Map<I, Map<K, V>> grouped = new LinkedHashMap<>();
        rows().forEach((key, value) -> {
            I indexKey = index.key().apply(value);
            if (indexKey != null) {
                grouped.computeIfAbsent(indexKey, k -> new LinkedHashMap<>()).put(key, value);
            }
        });
        ReadOnlyIndex<I, K, V> reads = actual.index(index);
        Map<I, Map<K, V>> found = new LinkedHashMap<>();
        grouped.keySet().forEach(indexKey -> found.put(indexKey, reads.get(indexKey)));
        long indexed;
        try (Stream<Map.Entry<K, V>> all = reads.all()) {
            indexed = all.count();
        }
        long expected = grouped.values().stream().mapToLong(Map::size).sum();
        if (!found.equals(grouped) || indexed != expected) {
            failWithMessage("%nExpecting index '%s' of view '%s' to be its rows grouped by index key%n  %s%nbut reading"
                    + " it by those keys gave%n  %s%nand it holds %s rows in all, not %s", index.name(), actual.name(),
                    grouped, found, indexed, expected);
        }
        return this;
    }

    private Map<K, V> rows() {
        Map<K, V> rows = new LinkedHashMap<>();
        try (Stream<Map.Entry<K, V>> all = actual.all()) {
            all.forEach(e -> rows.put(e.getKey(), e.getValue()));
        }
        return rows;
    }

    private String content() {
        return content(rows());
    }

    private String content(Map<K, V> rows) {
        StringBuilder shown = new StringBuilder("View '" + actual.name() + "' holds " + rows.size() + " rows");
        shown.append(rows.isEmpty() ? "." : ":");
        rows.entrySet().stream().limit(SHOWN_ROWS)
                .forEach(e -> shown.append(String.format("%n  %s=%s", e.getKey(), e.getValue())));
        if (rows.size() > SHOWN_ROWS) {
            shown.append(String.format("%n  ... and %d more", rows.size() - SHOWN_ROWS));
        }
        return shown.toString();
    }
}
