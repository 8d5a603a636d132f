package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.ORDER_EVENTS;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperatorFilterTest {
    private static final ViewDefinition<String, Order> LARGE_ORDERS = View.from(ORDERS)
            .filter((id, order) -> order.quantity() >= 10)
            .materialize("large-orders");
    private static final ViewDefinition<String, Order> EXPRESS_ORDERS = View.from(ORDERS)
            .filter((id, order) -> id.startsWith("x-"))
            .materialize("express-orders");
    private static final ViewDefinition<String, Long> LARGE_ORDER_EVENTS_PER_PRODUCT = View.events(ORDER_EVENTS)
            .filter((id, order) -> order.quantity() >= 10)
            .groupBy(Order::productId, Serdes.String())
            .count()
            .materialize("large-order-events-per-product");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), LARGE_ORDERS, EXPRESS_ORDERS, LARGE_ORDER_EVENTS_PER_PRODUCT);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void filter_rowMatches_entersView() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 10));

        assertThat(kit.view(LARGE_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 10)));
    }

    @Test
    void filter_rowDoesNotMatch_isAbsent() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 9)).pipe("o-2", new Order("p-1", 12));

        assertThat(kit.view(LARGE_ORDERS)).doesNotContainKey("o-1").hasSize(1);
    }

    @Test
    void filter_rowStopsMatching_leavesView() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 10)).pipe("o-1", new Order("p-1", 3));

        assertThat(kit.view(LARGE_ORDERS)).isEmpty();
    }

    @Test
    void filter_rowStartsMatching_entersView() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 3)).pipe("o-1", new Order("p-1", 30));

        assertThat(kit.view(LARGE_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 30)));
    }

    @Test
    void filter_matchingRowUpdated_showsNewValue() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 10)).pipe("o-1", new Order("p-2", 11));

        assertThat(kit.view(LARGE_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-2", 11)));
    }

    @Test
    void filter_matchingRowDeleted_leavesView() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 10)).pipe("o-2", new Order("p-1", 20)).delete("o-1");

        assertThat(kit.view(LARGE_ORDERS)).containsExactlyEntriesOf(Map.of("o-2", new Order("p-1", 20)));
    }

    @Test
    void filter_predicateOnKey_keepsRowsByKey() {
        kit.input(ORDERS).pipe("x-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 1));

        assertThat(kit.view(EXPRESS_ORDERS)).containsExactlyEntriesOf(Map.of("x-1", new Order("p-1", 1)));
    }

    @Test
    void filter_onEvents_countsOnlyMatchingEvents() {
        kit.input(ORDER_EVENTS)
                .pipe("o-1", new Order("p-1", 10))
                .pipe("o-2", new Order("p-1", 5))
                .pipe("o-3", new Order("p-1", 15))
                .pipe("o-4", new Order("p-2", 1));

        assertThat(kit.view(LARGE_ORDER_EVENTS_PER_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", 2L));
    }

    @Test
    void filter_onEvents_laterNonMatchingEventForSameKeyDoesNotRetract() {
        kit.input(ORDER_EVENTS).pipe("o-1", new Order("p-1", 10)).pipe("o-1", new Order("p-1", 1));

        assertThat(kit.view(LARGE_ORDER_EVENTS_PER_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", 1L));
    }
}
