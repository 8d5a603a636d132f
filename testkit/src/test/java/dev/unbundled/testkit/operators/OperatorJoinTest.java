package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.SHIPMENTS;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.Shipment;
import dev.unbundled.testkit.operators.Fixtures.Tracking;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Same-key table-table joins: orders with their shipments, both keyed by order id. */
class OperatorJoinTest {
    private static final ViewDefinition<String, Tracking> TRACKING = View.from(ORDERS)
            .join(View.from(SHIPMENTS), Tracking::of)
            .materialize("tracking", Json.serde(Tracking.class));
    private static final ViewDefinition<String, Tracking> TRACKING_LEFT = View.from(ORDERS)
            .leftJoin(View.from(SHIPMENTS), Tracking::of)
            .materialize("tracking-left", Json.serde(Tracking.class));

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), TRACKING, TRACKING_LEFT);

    @AfterEach
    void close() {
        kit.close();
    }

    // join

    @Test
    void join_mappedAtTheTop_updatesWithEitherSide() {
        ViewDefinition<String, String> carriers = View.from(ORDERS)
                .join(View.from(SHIPMENTS), Tracking::of)
                .mapValues(Tracking::carrier, Serdes.String())
                .materialize("carriers");
        try (ViewTestKit mapped = ViewTestKit.of(StoreUnderTest.get(), carriers)) {
            mapped.input(ORDERS).pipe("o-1", new Order("p-1", 2));
            mapped.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
            mapped.input(SHIPMENTS).pipe("o-1", new Shipment("dhl"));

            assertThat(mapped.view(carriers)).containsExactlyEntriesOf(Map.of("o-1", "dhl"));

            mapped.input(ORDERS).delete("o-1");

            assertThat(mapped.view(carriers)).isEmpty();
        }
    }

    @Test
    void join_filteredAtTheTop_updatesWithEitherSide() {
        ViewDefinition<String, Tracking> byUps = View.from(ORDERS)
                .join(View.from(SHIPMENTS), Tracking::of)
                .filter((id, tracking) -> tracking.carrier().equals("ups"))
                .materialize("by-ups", Json.serde(Tracking.class));
        try (ViewTestKit filtered = ViewTestKit.of(StoreUnderTest.get(), byUps)) {
            filtered.input(ORDERS).pipe("o-1", new Order("p-1", 2));
            filtered.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));

            assertThat(filtered.view(byUps)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "ups")));

            filtered.input(SHIPMENTS).pipe("o-1", new Shipment("dhl"));

            assertThat(filtered.view(byUps)).isEmpty();
        }
    }

    @Test
    void join_leftOnly_isAbsent() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(TRACKING)).isEmpty();
    }

    @Test
    void join_rightOnly_isAbsent() {
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));

        assertThat(kit.view(TRACKING)).isEmpty();
    }

    @Test
    void join_leftThenRight_rowAppears() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));

        assertThat(kit.view(TRACKING)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "ups")));
    }

    @Test
    void join_rightThenLeft_rowAppears() {
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(TRACKING)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "ups")));
    }

    @Test
    void join_differentKeys_doNotMeet() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-2", new Shipment("ups"));

        assertThat(kit.view(TRACKING)).isEmpty();
    }

    @Test
    void join_leftUpdated_rowChanges() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 9));

        assertThat(kit.view(TRACKING)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(9, "ups")));
    }

    @Test
    void join_rightUpdated_rowChanges() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-1", new Shipment("dhl"));

        assertThat(kit.view(TRACKING)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "dhl")));
    }

    @Test
    void join_leftDeleted_rowLeaves() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-2", new Shipment("dhl"));
        kit.input(ORDERS).delete("o-1");

        assertThat(kit.view(TRACKING)).containsExactlyEntriesOf(Map.of("o-2", new Tracking(3, "dhl")));
    }

    @Test
    void join_rightDeleted_rowLeaves() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-2", new Shipment("dhl"));
        kit.input(SHIPMENTS).delete("o-2");

        assertThat(kit.view(TRACKING)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "ups")));
    }

    @Test
    void join_rightDeletedThenWrittenAgain_rowReturns() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).delete("o-1").pipe("o-1", new Shipment("fedex"));

        assertThat(kit.view(TRACKING)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "fedex")));
    }

    // leftJoin

    @Test
    void leftJoin_leftOnly_keepsRowAndJoinerGetsNull() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(TRACKING_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, null)));
    }

    @Test
    void leftJoin_rightOnly_isAbsent() {
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));

        assertThat(kit.view(TRACKING_LEFT)).isEmpty();
    }

    @Test
    void leftJoin_bothSides_rowCombinesBoth() {
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 4));

        assertThat(kit.view(TRACKING_LEFT)).containsExactlyEntriesOf(
                Map.of("o-1", new Tracking(2, "ups"), "o-2", new Tracking(4, null)));
    }

    @Test
    void leftJoin_rightArrivesLater_fillsInRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));

        assertThat(kit.view(TRACKING_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "ups")));
    }

    @Test
    void leftJoin_leftUpdated_rowChanges() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 9));

        assertThat(kit.view(TRACKING_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(9, "ups")));
    }

    @Test
    void leftJoin_rightUpdated_rowChanges() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-1", new Shipment("dhl"));

        assertThat(kit.view(TRACKING_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, "dhl")));
    }

    @Test
    void leftJoin_rightDeleted_keepsRowWithNullRight() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).delete("o-1");

        assertThat(kit.view(TRACKING_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new Tracking(2, null)));
    }

    @Test
    void leftJoin_leftDeleted_rowLeaves() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
        kit.input(ORDERS).delete("o-1").delete("o-2");

        assertThat(kit.view(TRACKING_LEFT)).isEmpty();
    }

    // a same-key join inside a view, under operators that need its old values

    @Test
    void join_thenGroupedAndCounted_countsJoinedRowsPerCarrier_andFollowsUpdates() {
        ViewDefinition<String, Long> perCarrier = View.from(ORDERS)
                .join(View.from(SHIPMENTS), Tracking::of).withValueSerde(Json.serde(Tracking.class))
                .groupBy(Tracking::carrier, org.apache.kafka.common.serialization.Serdes.String())
                .count()
                .materialize("orders-per-carrier");
        try (ViewTestKit counted = ViewTestKit.of(StoreUnderTest.get(), perCarrier)) {
            counted.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2));
            counted.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-2", new Shipment("ups"));
            counted.input(SHIPMENTS).pipe("o-2", new Shipment("dhl"));

            assertThat(counted.view(perCarrier)).containsExactlyEntriesOf(Map.of("dhl", 1L, "ups", 1L));
        }
    }

    @Test
    void join_thenRekeyed_movesRowsWhenEitherSideChanges() {
        ViewDefinition<String, Tracking> byCarrier = View.from(ORDERS)
                .join(View.from(SHIPMENTS), Tracking::of).withValueSerde(Json.serde(Tracking.class))
                .rekey(Tracking::carrier, org.apache.kafka.common.serialization.Serdes.String())
                .materialize("tracking-by-carrier");
        try (ViewTestKit rekeyed = ViewTestKit.of(StoreUnderTest.get(), byCarrier)) {
            rekeyed.input(ORDERS).pipe("o-1", new Order("p-1", 1));
            rekeyed.input(SHIPMENTS).pipe("o-1", new Shipment("ups"));
            rekeyed.input(SHIPMENTS).pipe("o-1", new Shipment("dhl"));

            assertThat(rekeyed.view(byCarrier)).containsExactlyEntriesOf(Map.of("dhl", new Tracking(1, "dhl")));
        }
    }

    @Test
    void join_underAnotherJoinWithValueSerde_followsEverySide() {
        ViewDefinition<String, String> carriers = View.from(ORDERS)
                .join(View.from(SHIPMENTS), Tracking::of).withValueSerde(Json.serde(Tracking.class))
                .leftJoin(View.from(SHIPMENTS), (Tracking tracking, Shipment again) -> tracking.quantity() + "x" + again.carrier())
                .materialize("carriers", org.apache.kafka.common.serialization.Serdes.String());
        try (ViewTestKit nested = ViewTestKit.of(StoreUnderTest.get(), carriers)) {
            nested.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2));
            nested.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-2", new Shipment("ups"));
            nested.input(SHIPMENTS).pipe("o-2", new Shipment("dhl"));
            nested.input(ORDERS).delete("o-1");

            assertThat(nested.view(carriers)).containsExactlyEntriesOf(Map.of("o-2", "2xdhl"));
        }
    }
}
