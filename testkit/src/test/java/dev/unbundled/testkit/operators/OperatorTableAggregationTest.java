package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Aggregations of a table: every row counts once, with its latest value, in its latest group. */
class OperatorTableAggregationTest {
    private static final ViewDefinition<String, Long> COUNT = View.from(ORDERS)
            .groupBy(Order::productId, Serdes.String())
            .count()
            .materialize("orders-per-product");
    private static final ViewDefinition<String, Order> REDUCE = View.from(ORDERS)
            .groupBy(Order::productId, Serdes.String())
            .reduce((total, order) -> new Order(total.productId(), total.quantity() + order.quantity()),
                    (total, order) -> new Order(total.productId(), total.quantity() - order.quantity()))
            .materialize("quantity-per-product");
    /** Starts at 100, so a group's value shows whether it was folded from the initializer. */
    private static final ViewDefinition<String, Long> AGGREGATE = View.from(ORDERS)
            .groupBy(Order::productId, Serdes.String())
            .aggregate(() -> 100L, (units, order) -> units + order.quantity(),
                    (units, order) -> units - order.quantity(), Serdes.Long())
            .materialize("units-per-product");
    private static final ViewDefinition<String, Long> COUNT_OF_POSITIVE = View.from(ORDERS)
            .filter((id, order) -> order.quantity() > 0)
            .groupBy(Order::productId, Serdes.String())
            .count()
            .materialize("positive-orders-per-product");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), COUNT, REDUCE, AGGREGATE, COUNT_OF_POSITIVE);

    @AfterEach
    void close() {
        kit.close();
    }

    // count

    @Test
    void count_rowsInGroups_countsEachGroup() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 1))
                .pipe("o-3", new Order("p-2", 1));

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-1", 2L, "p-2", 1L));
    }

    @Test
    void count_rowUpdatedWithinGroup_countsItOnce() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-1", 5))
                .pipe("o-1", new Order("p-1", 6));

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-1", 1L));
    }

    @Test
    void count_rowMovesToAnotherGroup_leavesOldGroup() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 1))
                .pipe("o-1", new Order("p-2", 1));

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-1", 1L, "p-2", 1L));
    }

    @Test
    void count_rowDeleted_decrementsGroup() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 1)).delete("o-1");

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-1", 1L));
    }

    @Test
    void count_lastRowDeleted_groupDeleted() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-2", 1)).delete("o-1");

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-2", 1L));
    }

    @Test
    void count_lastRowMovesAway_groupDeleted() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-2", 1));

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-2", 1L));
    }

    @Test
    void count_groupEmptiedThenRefilled_countsFromOne() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).delete("o-1").pipe("o-2", new Order("p-1", 1));

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-1", 1L));
    }

    @Test
    void count_afterFilter_rowThatStopsMatchingLeavesGroup() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 1))
                .pipe("o-1", new Order("p-1", 0));

        assertThat(kit.view(COUNT_OF_POSITIVE)).containsExactlyEntriesOf(Map.of("p-1", 1L));
    }

    @Test
    void count_afterFilter_lastMatchingRowStopsMatching_groupDeleted() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-1", 0));

        assertThat(kit.view(COUNT_OF_POSITIVE)).isEmpty();
    }

    // reduce

    @Test
    void reduce_rowsInGroup_combinesThem() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-3", new Order("p-2", 4));

        assertThat(kit.view(REDUCE)).containsExactlyEntriesOf(Map.of(
                "p-1", new Order("p-1", 5), "p-2", new Order("p-2", 4)));
    }

    @Test
    void reduce_rowUpdatedWithinGroup_replacesItsContribution() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-1", new Order("p-1", 10));

        assertThat(kit.view(REDUCE)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 13)));
    }

    @Test
    void reduce_singleRowUpdated_showsNewValue() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-1", 10));

        assertThat(kit.view(REDUCE)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 10)));
    }

    @Test
    void reduce_rowMovesToAnotherGroup_movesItsContribution() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-3", new Order("p-2", 4)).pipe("o-1", new Order("p-2", 2));

        assertThat(kit.view(REDUCE)).containsExactlyEntriesOf(Map.of(
                "p-1", new Order("p-1", 3), "p-2", new Order("p-2", 6)));
    }

    @Test
    void reduce_rowDeleted_subtractsIt() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3)).delete("o-2");

        assertThat(kit.view(REDUCE)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 2)));
    }

    @Test
    void reduce_lastRowDeleted_groupDeleted() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .delete("o-1").delete("o-2");

        assertThat(kit.view(REDUCE)).isEmpty();
    }

    @Test
    void reduce_lastRowMovesAway_groupDeleted() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-2", 2));

        assertThat(kit.view(REDUCE)).containsExactlyEntriesOf(Map.of("p-2", new Order("p-2", 2)));
    }

    // aggregate

    @Test
    void aggregate_rowsInGroup_foldFromInitializer() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-3", new Order("p-2", 4));

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-1", 105L, "p-2", 104L));
    }

    @Test
    void aggregate_rowUpdatedWithinGroup_replacesItsContribution() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-2", new Order("p-1", 30));

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-1", 132L));
    }

    @Test
    void aggregate_singleRowUpdated_foldsNewValueFromInitializer() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-1", 7));

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-1", 107L));
    }

    @Test
    void aggregate_rowMovesToAnotherGroup_movesItsContribution() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-2", new Order("p-2", 3));

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-1", 102L, "p-2", 103L));
    }

    @Test
    void aggregate_rowDeleted_subtractsIt() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3)).delete("o-1");

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-1", 103L));
    }

    @Test
    void aggregate_lastRowDeleted_groupDeletedNotKeptAtInitializer() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-2", 3)).delete("o-1");

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-2", 103L));
    }

    @Test
    void aggregate_lastRowMovesAway_groupDeleted() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-2", 2));

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-2", 102L));
    }

    @Test
    void aggregate_groupEmptiedThenRefilled_foldsFromInitializerAgain() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).delete("o-1").pipe("o-2", new Order("p-1", 5));

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-1", 105L));
    }

    // all together

    @Test
    void aggregations_randomUpdatesMovesAndDeletes_equalQueryOverLatestValues() {
        Random random = new Random(11);
        Map<String, Order> orders = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            String id = "o-" + random.nextInt(15);
            if (random.nextInt(4) == 0) {
                kit.input(ORDERS).delete(id);
                orders.remove(id);
            } else {
                Order order = new Order("p-" + random.nextInt(4), random.nextInt(10));
                kit.input(ORDERS).pipe(id, order);
                orders.put(id, order);
            }
        }
        Map<String, Long> counts = new HashMap<>();
        Map<String, Order> sums = new HashMap<>();
        Map<String, Long> units = new HashMap<>();
        orders.values().forEach(order -> {
            counts.merge(order.productId(), 1L, Long::sum);
            sums.merge(order.productId(), order, (a, b) -> new Order(a.productId(), a.quantity() + b.quantity()));
            units.merge(order.productId(), 100L + order.quantity(), (a, b) -> a + b - 100L);
        });

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(counts);
        assertThat(kit.view(REDUCE)).containsExactlyEntriesOf(sums);
        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(units);
    }

    // a null group key: the row belongs to no group

    @Test
    void count_nullGroupKey_rowIsLeftOut() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order(null, 1));

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-1", 1L));
    }

    @Test
    void count_nullGroupKey_isNotDeadLettered() {
        kit.input(ORDERS).pipe("o-1", new Order(null, 1));

        assertThat(kit.deadLetters(COUNT)).isEmpty();
    }

    @Test
    void aggregate_rowMovesToNullGroupKey_leavesItsOldGroup() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3));

        kit.input(ORDERS).pipe("o-1", new Order(null, 2));

        assertThat(kit.view(AGGREGATE)).containsExactlyEntriesOf(Map.of("p-1", 103L));
    }

    @Test
    void count_rowMovesFromNullGroupKey_joinsItsNewGroup() {
        kit.input(ORDERS).pipe("o-1", new Order(null, 2)).pipe("o-1", new Order("p-2", 2));

        assertThat(kit.view(COUNT)).containsExactlyEntriesOf(Map.of("p-2", 1L));
    }
}
