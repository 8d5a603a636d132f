package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.PRODUCTS;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.OrderNote;
import dev.unbundled.testkit.operators.Fixtures.Product;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A global view read directly: the latest value per key of its topic. */
class OperatorGlobalViewTest {
    private static final ViewDefinition<String, Product> PRODUCTS_GLOBAL = Fixtures.productsGlobal();
    private static final ViewDefinition<String, OrderNote> ENRICHED = View.from(ORDERS)
            .lookup(PRODUCTS_GLOBAL, Order::productId, OrderNote::of)
            .materialize("enriched-orders", Json.serde(OrderNote.class));

    @Test
    void view_globalDefinition_showsLatestValuePerKey() {
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), PRODUCTS_GLOBAL)) {
            kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"))
                    .pipe("p-1", new Product("Desk lamp", "home"));

            assertThat(kit.view(PRODUCTS_GLOBAL)).containsExactlyEntriesOf(Map.of(
                    "p-1", new Product("Desk lamp", "home"), "p-2", new Product("Desk", "office")));
        }
    }

    @Test
    void view_globalDefinition_deleteRemovesKey() {
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), PRODUCTS_GLOBAL)) {
            kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"))
                    .delete("p-1");

            assertThat(kit.view(PRODUCTS_GLOBAL)).containsExactlyEntriesOf(Map.of("p-2", new Product("Desk", "office")));
        }
    }

    @Test
    void view_globalDefinitionLookedUpByAnotherView_isReadableThroughTheKit() {
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ENRICHED)) {
            kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));

            assertThat(kit.view(PRODUCTS_GLOBAL)).containsExactlyEntriesOf(Map.of("p-1", new Product("Lamp", "home")));
        }
    }

    @Test
    void global_definition_isGlobalAndKeepsItsName() {
        org.assertj.core.api.Assertions.assertThat(PRODUCTS_GLOBAL.isGlobal()).isTrue();
        org.assertj.core.api.Assertions.assertThat(PRODUCTS_GLOBAL.name()).isEqualTo("products");
        org.assertj.core.api.Assertions.assertThat(View.from(PRODUCTS).materialize("products").isGlobal()).isFalse();
    }
}
