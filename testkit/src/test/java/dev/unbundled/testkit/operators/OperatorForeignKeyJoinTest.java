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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Foreign-key table-table joins: orders (orderId -> order) to products through order.productId(). */
class OperatorForeignKeyJoinTest {
    private static final ViewDefinition<String, OrderNote> NOTES = View.from(ORDERS)
            .join(View.from(PRODUCTS), Order::productId, OrderNote::of)
            .materialize("order-notes", Json.serde(OrderNote.class));
    private static final ViewDefinition<String, OrderNote> NOTES_LEFT = View.from(ORDERS)
            .leftJoin(View.from(PRODUCTS), Order::productId, OrderNote::of)
            .materialize("order-notes-left", Json.serde(OrderNote.class));
    private static final ViewDefinition<String, OrderNote> POSITIVE_NOTES = View.from(ORDERS)
            .filter((id, order) -> order.quantity() > 0)
            .join(View.from(PRODUCTS), Order::productId, OrderNote::of)
            .materialize("positive-order-notes", Json.serde(OrderNote.class));

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), NOTES, NOTES_LEFT, POSITIVE_NOTES);

    @AfterEach
    void close() {
        kit.close();
    }

    // join

    @Test
    void fkJoin_orderAndProduct_noteAppears() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 2)));
    }

    @Test
    void fkJoin_productArrivesAfterOrder_noteAppears() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 2)));
    }

    @Test
    void fkJoin_productRenamed_updatesEveryNote() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-3", new Order("p-2", 1));
        kit.input(PRODUCTS).pipe("p-1", new Product("Desk lamp", "home"));

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of(
                "o-1", new OrderNote("Desk lamp", 2),
                "o-2", new OrderNote("Desk lamp", 3),
                "o-3", new OrderNote("Desk", 1)));
    }

    @Test
    void fkJoin_orderQuantityUpdated_noteUpdated() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-1", 8));

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 8)));
    }

    @Test
    void fkJoin_orderMovesToAnotherProduct_noteShowsNewProduct() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-2", 2));

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Desk", 2)));
    }

    @Test
    void fkJoin_orderMovedAway_renamingOldProductNoLongerAffectsIt() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-2", 2));
        kit.input(PRODUCTS).pipe("p-1", new Product("Desk lamp", "home"));

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Desk", 2)));
    }

    @Test
    void fkJoin_productDeleted_removesItsNotes() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-3", new Order("p-2", 1));
        kit.input(PRODUCTS).delete("p-1");

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-3", new OrderNote("Desk", 1)));
    }

    @Test
    void fkJoin_productDeletedThenWrittenAgain_notesReturn() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).delete("p-1").pipe("p-1", new Product("Floor lamp", "home"));

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Floor lamp", 2)));
    }

    @Test
    void fkJoin_orderDeleted_removesItsNote() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3)).delete("o-1");

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(Map.of("o-2", new OrderNote("Lamp", 3)));
    }

    @Test
    void fkJoin_orderDeleted_laterRenameDoesNotBringItBack() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).delete("o-1");
        kit.input(PRODUCTS).pipe("p-1", new Product("Desk lamp", "home"));

        assertThat(kit.view(NOTES)).isEmpty();
    }

    @Test
    void fkJoin_orderPointsToMissingProduct_isAbsent() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-404", 2));

        assertThat(kit.view(NOTES)).isEmpty();
    }

    @Test
    void fkJoin_orderMovesToMissingProduct_leavesView() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-404", 2));

        assertThat(kit.view(NOTES)).isEmpty();
    }

    @Test
    void fkJoin_nullForeignKey_isAbsent() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order(null, 2));

        assertThat(kit.view(NOTES)).isEmpty();
    }

    @Test
    void fkJoin_afterFilter_orderThatStopsMatchingLeavesView() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3))
                .pipe("o-1", new Order("p-1", 0));

        assertThat(kit.view(POSITIVE_NOTES)).containsExactlyEntriesOf(Map.of("o-2", new OrderNote("Lamp", 3)));
    }

    // leftJoin

    @Test
    void fkLeftJoin_orderAndProduct_noteAppears() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 2)));
    }

    @Test
    void fkLeftJoin_orderPointsToMissingProduct_keepsNoteWithNullProduct() {
        kit.input(ORDERS).pipe("o-1", new Order("p-404", 2));

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote(null, 2)));
    }

    @Test
    void fkLeftJoin_productArrivesAfterOrder_fillsInNote() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Lamp", 2)));
    }

    @Test
    void fkLeftJoin_productRenamed_updatesEveryNote() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3));
        kit.input(PRODUCTS).pipe("p-1", new Product("Desk lamp", "home"));

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of(
                "o-1", new OrderNote("Desk lamp", 2), "o-2", new OrderNote("Desk lamp", 3)));
    }

    @Test
    void fkLeftJoin_productDeleted_keepsNotesWithNullProduct() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3));
        kit.input(PRODUCTS).delete("p-1");

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of(
                "o-1", new OrderNote(null, 2), "o-2", new OrderNote(null, 3)));
    }

    @Test
    void fkLeftJoin_orderMovesToAnotherProduct_noteShowsNewProduct() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home")).pipe("p-2", new Product("Desk", "office"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-2", 2));

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote("Desk", 2)));
    }

    @Test
    void fkLeftJoin_orderMovesToMissingProduct_keepsNoteWithNullProduct() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-404", 2));

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote(null, 2)));
    }

    @Test
    void fkLeftJoin_nullForeignKey_keepsNoteWithNullProduct() {
        kit.input(ORDERS).pipe("o-1", new Order(null, 2));

        assertThat(kit.view(NOTES_LEFT)).containsExactlyEntriesOf(Map.of("o-1", new OrderNote(null, 2)));
    }

    @Test
    void fkLeftJoin_orderDeleted_removesItsNote() {
        kit.input(PRODUCTS).pipe("p-1", new Product("Lamp", "home"));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-404", 3))
                .delete("o-1").delete("o-2");

        assertThat(kit.view(NOTES_LEFT)).isEmpty();
    }

    @Test
    void fkJoin_manyOrdersManyProducts_equalsQueryOverLatestValues() {
        Map<String, Product> products = new HashMap<>();
        Map<String, Order> orders = new HashMap<>();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 400; i++) {
            String product = "p-" + random.nextInt(5);
            String order = "o-" + random.nextInt(12);
            switch (random.nextInt(5)) {
                case 0 -> {
                    Product value = new Product("name-" + i, "c");
                    kit.input(PRODUCTS).pipe(product, value);
                    products.put(product, value);
                }
                case 1 -> {
                    kit.input(PRODUCTS).delete(product);
                    products.remove(product);
                }
                case 2 -> {
                    kit.input(ORDERS).delete(order);
                    orders.remove(order);
                }
                default -> {
                    Order value = new Order(product, i);
                    kit.input(ORDERS).pipe(order, value);
                    orders.put(order, value);
                }
            }
        }
        Map<String, OrderNote> expected = new HashMap<>();
        orders.forEach((id, order) -> {
            Product product = products.get(order.productId());
            if (product != null) {
                expected.put(id, OrderNote.of(order, product));
            }
        });

        assertThat(kit.view(NOTES)).containsExactlyEntriesOf(expected);
    }
}
