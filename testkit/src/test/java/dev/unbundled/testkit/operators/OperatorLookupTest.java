package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.ORDER_EVENTS;
import static dev.unbundled.testkit.operators.Fixtures.PRODUCTS;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.OrderNote;
import dev.unbundled.testkit.operators.Fixtures.Product;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Enrichment at arrival time against a global view. Unlike a join, a lookup is documented as not
 * re-evaluated when the global side changes; these tests pin that down.
 */
class OperatorLookupTest {
    private static final ViewDefinition<String, Product> PRODUCTS_GLOBAL = Fixtures.productsGlobal();
    private static final ViewDefinition<String, OrderNote> ENRICHED = View.from(ORDERS)
            .lookup(PRODUCTS_GLOBAL, Order::productId, OrderNote::of)
            .materialize("enriched-orders", Json.serde(OrderNote.class));
    private static final ViewDefinition<String, Long> ORDER_EVENTS_PER_CATEGORY = View.events(ORDER_EVENTS)
            .lookup(PRODUCTS_GLOBAL, Order::productId, (order, product) -> product.category())
            .withValueSerde(Serdes.String())
            .groupBy(category -> category, Serdes.String())
            .count()
            .materialize("order-events-per-category");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ENRICHED, ORDER_EVENTS_PER_CATEGORY);

    @AfterEach
    void close() {
        kit.close();
    }

    // on a table

    @Test
    void lookup_partnerPresent_enrichesRow() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(ENRICHED)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 2)));
    }

    @Test
    void lookup_globalSideChangesLater_keepsEnrichmentFromArrival() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).pipe("p-1", new Product("Desk lamp", "home"));

        assertThat(kit.view(ENRICHED)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 2)));
    }

    @Test
    void lookup_globalSideDeletedLater_keepsEnrichmentFromArrival() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).delete("p-1");

        assertThat(kit.view(ENRICHED)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 2)));
    }

    @Test
    void lookup_tableRowUpdated_reEnrichesWithCurrentGlobalValue() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).pipe("p-1", new Product("Desk lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 5));

        assertThat(kit.view(ENRICHED)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Desk lamp", 5)));
    }

    @Test
    void lookup_tableRowDeleted_leavesView() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3)).delete("o-1");

        assertThat(kit.view(ENRICHED)).containsExactlyEntriesOf(Map.of("o-2", new OrderNote("Lamp", 3)));
    }

    @Test
    void lookup_noPartner_isAbsent() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-404", 2));

        assertThat(kit.view(ENRICHED)).isEmpty();
    }

    @Test
    void lookup_nullLookupKey_isAbsent() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order(null, 2));

        assertThat(kit.view(ENRICHED)).isEmpty();
    }

    @Test
    void lookup_rowMovesToMissingPartner_leavesView() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-404", 2));

        assertThat(kit.view(ENRICHED)).isEmpty();
    }

    @Test
    void lookup_partnerArrivesAfterRow_rowStaysAbsentUntilItChanges() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));

        assertThat(kit.view(ENRICHED)).isEmpty();
    }

    @Test
    void lookup_partnerArrivedAndRowChanges_rowAppears() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 3));

        assertThat(kit.view(ENRICHED)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 3)));
    }

    // on an event stream

    @Test
    void lookup_onEvents_enrichesEachEventAtArrival() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"));
        kit.input(ORDER_EVENTS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 1))
                .pipe("o-3", new Order("p-2", 1));

        assertThat(kit.view(ORDER_EVENTS_PER_CATEGORY)).containsExactlyEntriesOf(Map.of("home", 2L, "office", 1L));
    }

    @Test
    void lookup_onEvents_globalSideChangesLater_keepsEnrichmentFromArrival() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDER_EVENTS).pipe("o-1", new Order("p-1", 1));
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "office"));
        kit.input(ORDER_EVENTS).pipe("o-2", new Order("p-1", 1));

        assertThat(kit.view(ORDER_EVENTS_PER_CATEGORY)).containsExactlyEntriesOf(Map.of("home", 1L, "office", 1L));
    }

    @Test
    void lookup_onEvents_noPartner_eventDropped() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDER_EVENTS).pipe("o-1", new Order("p-404", 1)).pipe("o-2", new Order("p-1", 1));

        assertThat(kit.view(ORDER_EVENTS_PER_CATEGORY)).containsExactlyEntriesOf(Map.of("home", 1L));
    }
}
