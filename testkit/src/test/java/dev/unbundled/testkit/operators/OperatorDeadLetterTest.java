package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.PLAYS;
import static dev.unbundled.testkit.operators.Fixtures.PRODUCTS;
import static dev.unbundled.testkit.operators.Fixtures.SHIPMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.DeadLetter;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.OrderNote;
import dev.unbundled.testkit.operators.Fixtures.Play;
import dev.unbundled.testkit.operators.Fixtures.Product;
import dev.unbundled.testkit.operators.Fixtures.Shipment;
import dev.unbundled.testkit.operators.Fixtures.Tracking;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records a view cannot use go to its dead-letter topic, and the view keeps running. */
class OperatorDeadLetterTest {
    private static final byte[] POISON = "not json {".getBytes(StandardCharsets.UTF_8);

    private static final ViewDefinition<String, Order> ALL_ORDERS = View.from(ORDERS).materialize("all-orders");
    private static final ViewDefinition<String, Order> BIG_ORDERS = View.from(ORDERS)
            .filter((id, order) -> order.quantity() > 100)
            .materialize("big-orders");
    private static final ViewDefinition<String, Integer> CHECKED_QUANTITIES = View.from(ORDERS)
            .mapValues(OperatorDeadLetterTest::checkedQuantity, Serdes.Integer())
            .materialize("checked-quantities");
    private static final ViewDefinition<String, Tracking> CHECKED_TRACKING = View.from(ORDERS)
            .join(View.from(SHIPMENTS), OperatorDeadLetterTest::checkedTracking)
            .materialize("checked-tracking", Json.serde(Tracking.class));
    private static final ViewDefinition<String, Long> PLAYS_PER_SONG = View.events(PLAYS)
            .groupBy(Play::song, Serdes.String())
            .count()
            .materialize("plays-per-song");

    private final ViewTestKit kit =
            ViewTestKit.of(StoreUnderTest.get(), ALL_ORDERS, BIG_ORDERS, CHECKED_QUANTITIES, CHECKED_TRACKING, PLAYS_PER_SONG);

    @AfterEach
    void close() {
        kit.close();
    }

    private static int checkedQuantity(Order order) {
        if (order.quantity() == 13) {
            throw new IllegalArgumentException("unlucky quantity");
        }
        return order.quantity();
    }

    private static Tracking checkedTracking(Order order, Shipment shipment) {
        if ("lost".equals(shipment.carrier())) {
            throw new IllegalStateException("carrier lost the parcel");
        }
        return Tracking.of(order, shipment);
    }

    // a value that cannot be deserialised

    @Test
    void deadLetters_poisonValue_landsInViewsDeadLettersWithItsOrigin() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2))
                .pipe("o-3", new Order("p-1", 3));
        kit.input(ORDERS).pipeRaw("o-4".getBytes(StandardCharsets.UTF_8), POISON);

        List<DeadLetter> letters = kit.deadLetters(ALL_ORDERS);

        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("all-orders");
            assertThat(letter.sourceTopic()).isEqualTo("orders");
            assertThat(letter.sourcePartition()).isZero();
            assertThat(letter.sourceOffset()).isEqualTo(3L);
            assertThat(letter.exceptionClass()).isEqualTo(SerializationException.class.getName());
        });
    }

    @Test
    void deadLetters_poisonValue_keepsOriginalKeyAndValueBytes() {
        kit.input(ORDERS).pipeRaw("o-4".getBytes(StandardCharsets.UTF_8), POISON);

        DeadLetter letter = kit.deadLetters(ALL_ORDERS).get(0);

        assertThat(letter.key()).isEqualTo("o-4".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.value()).isEqualTo(POISON);
    }

    @Test
    void deadLetters_poisonValue_laterRecordsStillArrive() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1))
                .pipeRaw("o-2".getBytes(StandardCharsets.UTF_8), POISON)
                .pipe("o-3", new Order("p-1", 3));

        assertThat(kit.view(ALL_ORDERS)).containsExactlyEntriesOf(Map.of(
                "o-1", new Order("p-1", 1), "o-3", new Order("p-1", 3)));
    }

    @Test
    void deadLetters_poisonValue_doesNotDeleteTheKeysEarlierRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipeRaw("o-1".getBytes(StandardCharsets.UTF_8), POISON);

        assertThat(kit.view(ALL_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 1)));
    }

    @Test
    void deadLetters_poisonValueInTopicReadByManyViews_everyReadingViewGetsOne() {
        kit.input(ORDERS).pipeRaw("o-1".getBytes(StandardCharsets.UTF_8), POISON);

        assertThat(kit.deadLetters(ALL_ORDERS)).hasSize(1);
        assertThat(kit.deadLetters(BIG_ORDERS)).singleElement()
                .satisfies(letter -> assertThat(letter.view()).isEqualTo("big-orders"));
    }

    @Test
    void deadLetters_poisonValueInOneTopic_viewsOfOtherTopicsGetNone() {
        kit.input(ORDERS).pipeRaw("o-1".getBytes(StandardCharsets.UTF_8), POISON);

        assertThat(kit.deadLetters(PLAYS_PER_SONG)).isEmpty();
    }

    @Test
    void deadLetterCounts_poisonValues_countedPerView() {
        kit.input(ORDERS).pipeRaw("o-1".getBytes(StandardCharsets.UTF_8), POISON)
                .pipeRaw("o-2".getBytes(StandardCharsets.UTF_8), POISON);

        assertThat(kit.deadLetterCounts()).containsEntry("all-orders", 2L).containsEntry("plays-per-song", 0L);
    }

    @Test
    void deadLetters_poisonEvent_laterEventsStillCounted() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 1))
                .pipeRaw("u-2".getBytes(StandardCharsets.UTF_8), POISON)
                .pipe("u-3", new Play("s-1", 1));

        assertThat(kit.deadLetters(PLAYS_PER_SONG)).singleElement()
                .satisfies(letter -> assertThat(letter.sourceOffset()).isEqualTo(1L));
        assertThat(kit.view(PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 2L));
    }

    // a user function that throws

    @Test
    void deadLetters_mapperThrowsForOneRecord_sendsThatRecordToDeadLetters() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 13));

        assertThat(kit.deadLetters(CHECKED_QUANTITIES)).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("checked-quantities");
            assertThat(letter.sourceTopic()).isEqualTo("orders");
            assertThat(letter.sourceOffset()).isEqualTo(1L);
            assertThat(letter.exceptionClass()).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(letter.exceptionMessage()).contains("unlucky quantity");
            assertThat(letter.key()).isEqualTo("o-2".getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void deadLetters_mapperThrowsForOneRecord_keepsOriginalValueBytes() {
        Order unlucky = new Order("p-1", 13);
        kit.input(ORDERS).pipe("o-2", unlucky);

        assertThat(kit.deadLetters(CHECKED_QUANTITIES)).singleElement().satisfies(letter -> assertThat(letter.value())
                .isEqualTo(ORDERS.valueSerde().serializer().serialize("orders", unlucky)));
    }

    @Test
    void deadLetters_mapperThrowsForOneRecord_otherRecordsArrive() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 13))
                .pipe("o-3", new Order("p-1", 3));

        assertThat(kit.view(CHECKED_QUANTITIES)).containsExactlyEntriesOf(Map.of("o-1", 1, "o-3", 3));
    }

    @Test
    void deadLetters_mapperThrowsInOneView_otherViewsOfSameTopicUnaffected() {
        kit.input(ORDERS).pipe("o-2", new Order("p-1", 13));

        assertThat(kit.deadLetters(ALL_ORDERS)).isEmpty();
        assertThat(kit.view(ALL_ORDERS)).containsExactlyEntriesOf(Map.of("o-2", new Order("p-1", 13)));
    }

    @Test
    void deadLetters_joinerThrowsForOneRecord_sendsThatRecordToDeadLetters() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-2", new Shipment("lost"));

        assertThat(kit.deadLetters(CHECKED_TRACKING)).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("checked-tracking");
            assertThat(letter.sourceTopic()).isEqualTo("shipments");
            assertThat(letter.sourceOffset()).isEqualTo(1L);
            assertThat(letter.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
        });
    }

    @Test
    void deadLetters_joinerThrowsForOneRecord_otherRecordsArrive() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2))
                .pipe("o-3", new Order("p-1", 3));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("ups")).pipe("o-2", new Shipment("lost"))
                .pipe("o-3", new Shipment("dhl"));

        assertThat(kit.view(CHECKED_TRACKING)).containsExactlyEntriesOf(Map.of(
                "o-1", new Tracking(1, "ups"), "o-3", new Tracking(3, "dhl")));
    }

    @Test
    void deadLetterCounts_throwingFunctions_countedPerView() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 13)).pipe("o-2", new Order("p-1", 13));
        kit.input(SHIPMENTS).pipe("o-1", new Shipment("lost"));

        assertThat(kit.deadLetterCounts())
                .containsEntry("checked-quantities", 2L)
                .containsEntry("checked-tracking", 1L)
                .containsEntry("all-orders", 0L);
    }

    @Test
    void deadLetterCounts_noBadRecords_everyViewAtZero() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1));

        assertThat(kit.deadLetterCounts()).containsOnlyKeys("all-orders", "big-orders", "checked-quantities",
                "checked-tracking", "plays-per-song").allSatisfy((view, count) -> assertThat(count).isZero());
    }

    @Test
    void deadLetters_readTwice_secondReadReturnsOnlyNewLetters() {
        kit.input(ORDERS).pipeRaw("o-1".getBytes(StandardCharsets.UTF_8), POISON);
        kit.deadLetters(ALL_ORDERS);
        kit.input(ORDERS).pipeRaw("o-2".getBytes(StandardCharsets.UTF_8), POISON);

        assertThat(kit.deadLetters(ALL_ORDERS)).singleElement()
                .satisfies(letter -> assertThat(letter.key()).isEqualTo("o-2".getBytes(StandardCharsets.UTF_8)));
    }

    // a global view's topic

    @Test
    void deadLetters_poisonValueInGlobalTopic_landsInGlobalViewsDeadLetters() {
        ViewDefinition<String, Product> products = Fixtures.productsGlobal();
        ViewDefinition<String, OrderNote> enriched = View.from(ORDERS)
                .lookup(products, Order::productId, OrderNote::of)
                .materialize("enriched-orders", Json.serde(OrderNote.class));
        try (ViewTestKit global = ViewTestKit.of(StoreUnderTest.get(), enriched)) {
            global.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"))
                    .pipeRaw("p-2".getBytes(StandardCharsets.UTF_8), POISON);

            assertThat(global.deadLetters(products)).singleElement().satisfies(letter -> {
                assertThat(letter.view()).isEqualTo("products");
                assertThat(letter.sourceTopic()).isEqualTo("products");
                assertThat(letter.sourceOffset()).isEqualTo(1L);
            });
        }
    }

    @Test
    void deadLetterCounts_poisonValueInGlobalTopic_isCounted() {
        ViewDefinition<String, Product> products = Fixtures.productsGlobal();
        try (ViewTestKit global = ViewTestKit.of(StoreUnderTest.get(), products)) {
            global.input(PRODUCTS).pipeRaw("p-2".getBytes(StandardCharsets.UTF_8), POISON);

            assertThat(global.deadLetterCounts()).containsEntry("products", 1L);
        }
    }

    @Test
    void deadLetters_poisonValueInGlobalTopic_laterRecordsStillArrive() {
        ViewDefinition<String, Product> products = Fixtures.productsGlobal();
        try (ViewTestKit global = ViewTestKit.of(StoreUnderTest.get(), products)) {
            global.input(PRODUCTS).pipeRaw("p-1".getBytes(StandardCharsets.UTF_8), POISON)
                    .pipe("p-2", new Product("Desk", "office"));

            assertThat(global.view(products)).containsExactlyEntriesOf(Map.of("p-2", new Product("Desk", "office")));
        }
    }
}
