package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.SHIPMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Change;
import dev.unbundled.Subscription;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.Shipment;
import dev.unbundled.testkit.operators.Fixtures.Tracking;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The old values of subscribed changes, on the test driver (and on RocksDB, where the rocksdb-store module runs
 * this class again): an insert has none, an update carries the value it replaced, a delete the value it deleted.
 */
class OperatorSubscriptionOldValueTest {
    private static final ViewDefinition<String, Order> BY_ID = View.from(ORDERS).materialize("orders-by-id");
    private static final ViewDefinition<String, Order> ALSO_BY_ID = View.from(ORDERS).materialize("orders-again");
    private static final ViewDefinition<String, Integer> QUANTITIES =
            View.from(ORDERS).mapValues(Order::quantity, Serdes.Integer()).materialize("quantities");
    private static final ViewDefinition<String, Order> LARGE = View.from(ORDERS)
            .filter((id, order) -> order.quantity() >= 10).materialize("large-orders");
    private static final ViewDefinition<String, Tracking> TRACKING = View.from(ORDERS)
            .join(View.from(SHIPMENTS), Tracking::of)
            .materialize("tracking", Json.serde(Tracking.class));
    /** A table aggregation: its store holds counted aggregates, which its changes unwrap. */
    private static final ViewDefinition<String, Long> UNITS = View.from(ORDERS)
            .groupBy(Order::productId, Serdes.String())
            .aggregate(() -> 0L, (units, order) -> units + order.quantity(),
                    (units, order) -> units - order.quantity(), Serdes.Long())
            .materialize("units-per-product");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), BY_ID, ALSO_BY_ID, QUANTITIES, LARGE,
            TRACKING, UNITS);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void subscribe_sourceTableView_updateAndDeleteCarryTheValueBefore() {
        List<Change<String, Order>> changes = subscribe(BY_ID, 3, () -> kit.input(ORDERS)
                .pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-1", 2)).delete("o-1"));

        assertThat(changes).extracting(Change::oldValue)
                .containsExactly(Optional.empty(), Optional.of(new Order("p-1", 1)), Optional.of(new Order("p-1", 2)));
        assertThat(changes).extracting(Change::newValue)
                .containsExactly(Optional.of(new Order("p-1", 1)), Optional.of(new Order("p-1", 2)), Optional.empty());
    }

    @Test
    void subscribe_twoViewsOfOneTable_bothCarryTheValueBefore() {
        List<Change<String, Order>> again = new CopyOnWriteArrayList<>();
        try (Subscription other = kit.view(ALSO_BY_ID).subscribe(again::add)) {
            List<Change<String, Order>> changes = subscribe(BY_ID, 2, () -> kit.input(ORDERS)
                    .pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-1", 2)));
            await().atMost(Duration.ofSeconds(10)).until(() -> again.size() == 2);

            assertThat(changes).extracting(Change::oldValue).containsExactly(Optional.empty(),
                    Optional.of(new Order("p-1", 1)));
            assertThat(again).extracting(Change::oldValue).containsExactly(Optional.empty(),
                    Optional.of(new Order("p-1", 1)));
        }
    }

    @Test
    void subscribe_keyWrittenBeforeSubscribing_firstChangeCarriesTheValueBefore() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1));

        List<Change<String, Order>> changes = subscribe(BY_ID, 1, () -> kit.input(ORDERS)
                .pipe("o-1", new Order("p-1", 2)));

        assertThat(changes.get(0).oldValue()).contains(new Order("p-1", 1));
    }

    @Test
    void subscribe_mappedView_updateAndDeleteCarryTheMappedValueBefore() {
        List<Change<String, Integer>> changes = subscribe(QUANTITIES, 3, () -> kit.input(ORDERS)
                .pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-1", 2)).delete("o-1"));

        assertThat(changes).extracting(Change::oldValue).containsExactly(Optional.empty(), Optional.of(1), Optional.of(2));
        assertThat(changes).extracting(Change::newValue).containsExactly(Optional.of(1), Optional.of(2), Optional.empty());
    }

    @Test
    void subscribe_filteredView_rowFilteredOutIsADeleteCarryingTheRow() {
        List<Change<String, Order>> changes = subscribe(LARGE, 3, () -> kit.input(ORDERS)
                .pipe("o-1", new Order("p-1", 10)).pipe("o-1", new Order("p-1", 20)).pipe("o-1", new Order("p-1", 3)));

        assertThat(changes).extracting(Change::oldValue).containsExactly(Optional.empty(),
                Optional.of(new Order("p-1", 10)), Optional.of(new Order("p-1", 20)));
        assertThat(changes.get(2).isDelete()).isTrue();
    }

    @Test
    void subscribe_joinView_updateAndDeleteCarryTheJoinedRowBefore() {
        List<Change<String, Tracking>> changes = subscribe(TRACKING, 3, () -> {
            kit.input(ORDERS).pipe("o-1", new Order("p-1", 1));
            kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
            kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
            kit.input(SHIPMENTS).delete("o-1");
        });

        assertThat(changes).extracting(Change::oldValue).containsExactly(Optional.empty(),
                Optional.of(new Tracking(1, "ups")), Optional.of(new Tracking(2, "ups")));
        assertThat(changes).extracting(Change::newValue).containsExactly(Optional.of(new Tracking(1, "ups")),
                Optional.of(new Tracking(2, "ups")), Optional.empty());
    }

    @Test
    void subscribe_tableAggregation_updateAndDeleteCarryTheAggregateBefore() {
        List<Change<String, Long>> changes = subscribe(UNITS, 4, () -> kit.input(ORDERS)
                .pipe("o-1", new Order("p-1", 3)).pipe("o-2", new Order("p-1", 4)).delete("o-1").delete("o-2"));

        assertThat(changes).extracting(Change::oldValue)
                .containsExactly(Optional.empty(), Optional.of(3L), Optional.of(7L), Optional.of(4L));
        assertThat(changes).extracting(Change::newValue)
                .containsExactly(Optional.of(3L), Optional.of(7L), Optional.of(4L), Optional.empty());
    }

    private <V> List<Change<String, V>> subscribe(ViewDefinition<String, V> view, int expected, Runnable inputs) {
        List<Change<String, V>> changes = new CopyOnWriteArrayList<>();
        try (Subscription subscription = kit.view(view).subscribe(changes::add)) {
            inputs.run();

            await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() >= expected);
        }
        assertThat(changes).hasSize(expected);
        return changes;
    }
}
