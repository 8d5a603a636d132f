package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failure messages of the view assertions say which view, what was expected, and what the view holds. */
class OperatorViewAssertTest {
    private static final ViewDefinition<String, Order> ORDERS_BY_ID = View.from(ORDERS).materialize("orders-by-id");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID);
    private ReadOnlyView<String, Order> view;

    @BeforeEach
    void fill() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-2", 2));
        view = kit.view(ORDERS_BY_ID);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void containsEntry_keyMissing_messageNamesViewExpectedEntryAndContent() {
        assertThatThrownBy(() -> assertThat(view).containsEntry("o-9", new Order("p-9", 9)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders-by-id'")
                .hasMessageContaining("o-9=Order[productId=p-9, quantity=9]")
                .hasMessageContaining("holds 2 rows")
                .hasMessageContaining("o-1=Order[productId=p-1, quantity=1]")
                .hasMessageContaining("o-2=Order[productId=p-2, quantity=2]");
    }

    @Test
    void containsEntry_otherValue_messageShowsExpectedAndActualValue() {
        assertThatThrownBy(() -> assertThat(view).containsEntry("o-1", new Order("p-1", 100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders-by-id'")
                .hasMessageContaining("o-1=Order[productId=p-1, quantity=100]")
                .hasMessageContaining("Order[productId=p-1, quantity=1]")
                .hasMessageContaining("o-2=Order[productId=p-2, quantity=2]");
    }

    @Test
    void containsEntry_present_passesAndChains() {
        assertThatCode(() -> assertThat(view).containsEntry("o-1", new Order("p-1", 1)).containsKey("o-2"))
                .doesNotThrowAnyException();
    }

    @Test
    void containsKey_keyMissing_messageNamesViewKeyAndContent() {
        assertThatThrownBy(() -> assertThat(view).containsKey("o-9"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders-by-id'")
                .hasMessageContaining("o-9")
                .hasMessageContaining("o-1=Order[productId=p-1, quantity=1]");
    }

    @Test
    void doesNotContainKey_keyPresent_messageNamesViewKeyValueAndContent() {
        assertThatThrownBy(() -> assertThat(view).doesNotContainKey("o-2"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders-by-id'")
                .hasMessageContaining("o-2")
                .hasMessageContaining("Order[productId=p-2, quantity=2]")
                .hasMessageContaining("o-1=Order[productId=p-1, quantity=1]");
    }

    @Test
    void hasSize_otherSize_messageNamesViewBothSizesAndContent() {
        assertThatThrownBy(() -> assertThat(view).hasSize(3))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders-by-id'")
                .hasMessageContaining("to have 3 rows but it has 2")
                .hasMessageContaining("o-1=Order[productId=p-1, quantity=1]")
                .hasMessageContaining("o-2=Order[productId=p-2, quantity=2]");
    }

    @Test
    void isEmpty_viewHasRows_messageShowsContent() {
        assertThatThrownBy(() -> assertThat(view).isEmpty())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders-by-id'")
                .hasMessageContaining("o-1=Order[productId=p-1, quantity=1]");
    }

    @Test
    void containsExactlyEntriesOf_otherRows_messageShowsExpectedMissingUnexpectedAndContent() {
        assertThatThrownBy(() -> assertThat(view).containsExactlyEntriesOf(Map.of(
                "o-1", new Order("p-1", 1), "o-3", new Order("p-3", 3))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders-by-id'")
                .hasMessageContaining("missing or differ:%n  {o-3=Order[productId=p-3, quantity=3]}".formatted())
                .hasMessageContaining("unexpected:%n  {o-2=Order[productId=p-2, quantity=2]}".formatted())
                .hasMessageContaining("holds 2 rows");
    }

    @Test
    void containsExactlyEntriesOf_sameRows_passes() {
        assertThatCode(() -> assertThat(view).containsExactlyEntriesOf(Map.of(
                "o-1", new Order("p-1", 1), "o-2", new Order("p-2", 2)))).doesNotThrowAnyException();
    }

    @Test
    void hasSize_manyRows_messageShowsFirstTwentyAndHowManyMore() {
        for (int i = 10; i < 35; i++) {
            kit.input(ORDERS).pipe("o-" + i, new Order("p-1", i));
        }

        assertThatThrownBy(() -> assertThat(view).hasSize(0))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("holds 27 rows")
                .hasMessageContaining("... and 7 more");
    }
}
