package dev.unbundled.testkit;

import static dev.unbundled.testkit.Shop.ORDERS;
import static dev.unbundled.testkit.Shop.PRODUCTS;
import static dev.unbundled.testkit.ViewAssertions.assertThat;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.Shop.Order;
import dev.unbundled.testkit.Shop.OrderNote;
import dev.unbundled.testkit.Shop.Product;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void join_productRenamed_updatesEveryNote() {
        ViewDefinition<String, OrderNote> notes = View.from(ORDERS)
                .join(View.from(PRODUCTS), Order::productId, OrderNote::new)
                .materialize("order-notes", Json.serde(OrderNote.class));
        System.out.println(notes.describe());
        try (ViewTestKit kit = ViewTestKit.of(notes)) {
            kit.input(PRODUCTS).pipe("p1", new Product("Lamp", "home"));
            kit.input(ORDERS).pipe("o1", new Order("p1", 2)).pipe("o2", new Order("p1", 3));
            assertThat(kit.view(notes)).containsEntry("o1", new OrderNote("Lamp", 2)).hasSize(2);
            kit.input(PRODUCTS).pipe("p1", new Product("Desk lamp", "home"));
            assertThat(kit.view(notes)).containsEntry("o1", new OrderNote("Desk lamp", 2))
                    .containsEntry("o2", new OrderNote("Desk lamp", 3));
            kit.input(PRODUCTS).delete("p1");
            assertThat(kit.view(notes)).isEmpty();
        }
    }
}
