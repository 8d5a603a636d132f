package dev.unbundled.examples.ordernotes;

import static dev.unbundled.testkit.ViewAssertions.assertThat;

import dev.unbundled.examples.ordernotes.Warehouse.Order;
import dev.unbundled.examples.ordernotes.Warehouse.OrderNote;
import dev.unbundled.examples.ordernotes.Warehouse.Product;
import dev.unbundled.testkit.ViewTestKit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The order-notes view, tested in milliseconds on the testkit's driver. */
class WarehouseTest {
    private ViewTestKit kit;

    @BeforeEach
    void startKit() {
        kit = ViewTestKit.of(Warehouse.ORDER_NOTES);
        kit.input(Warehouse.PRODUCTS).pipe("p-1", new Product("Desk lamp", "A3"));
    }

    @AfterEach
    void closeKit() {
        kit.close();
    }

    @Test
    void orderNotes_orderOfKnownProduct_printsProductNameShelfAndQuantity() {
        kit.input(Warehouse.ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(Warehouse.ORDER_NOTES)).containsExactlyEntriesOf(
                Map.of("o-1", new OrderNote("Desk lamp", "A3", 2)));
    }

    @Test
    void orderNotes_productRenamed_changesEveryNoteOfThatProduct() {
        kit.input(Warehouse.ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 5));

        kit.input(Warehouse.PRODUCTS).pipe("p-1", new Product("LED desk lamp", "A4"));

        assertThat(kit.view(Warehouse.ORDER_NOTES)).containsExactlyEntriesOf(Map.of(
                "o-1", new OrderNote("LED desk lamp", "A4", 2),
                "o-2", new OrderNote("LED desk lamp", "A4", 5)));
    }

    @Test
    void orderNotes_quantityZero_hasNoNote() {
        kit.input(Warehouse.ORDERS).pipe("o-1", new Order("p-1", 0));

        assertThat(kit.view(Warehouse.ORDER_NOTES)).isEmpty();
    }

    @Test
    void orderNotes_orderCancelled_noteDisappears() {
        kit.input(Warehouse.ORDERS).pipe("o-1", new Order("p-1", 2)).delete("o-1");

        assertThat(kit.view(Warehouse.ORDER_NOTES)).doesNotContainKey("o-1").isEmpty();
    }
}
