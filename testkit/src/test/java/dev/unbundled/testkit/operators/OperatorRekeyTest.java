package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.NUMBERED_ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Re-keying a table: orders (orderId -> order) by product id. */
class OperatorRekeyTest {
    private static final ViewDefinition<String, Order> BY_PRODUCT = View.from(ORDERS)
            .rekey(Order::productId, Serdes.String())
            .materialize("orders-by-product");
    private static final ViewDefinition<String, Order> NUMBERED_BY_PRODUCT = View.from(NUMBERED_ORDERS)
            .rekey(Order::productId, Serdes.String())
            .materialize("numbered-orders-by-product");

    /** The serde given at materialize() reaches the unserialised mapValues() step before the re-key. */
    private static final ViewDefinition<String, Integer> QUANTITY_BY_PRODUCT = View.from(ORDERS)
            .mapValues(order -> order.quantity() * 100 + Integer.parseInt(order.productId().substring(2)))
            .rekey(encoded -> "p-" + encoded % 100, Serdes.String())
            .materialize("quantity-by-product", Serdes.Integer());

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), BY_PRODUCT, NUMBERED_BY_PRODUCT, QUANTITY_BY_PRODUCT);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void rekey_row_appearsUnderNewKey() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 2)));
    }

    @Test
    void rekey_rowMovesToAnotherKey_leavesOldKey() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-2", 2));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-2", new Order("p-2", 2)));
    }

    @Test
    void rekey_rowUpdatedWithinSameKey_showsNewValue() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-1", 7));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 7)));
    }

    @Test
    void rekey_rowDeleted_leavesView() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-2", 3)).delete("o-1");

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-2", new Order("p-2", 3)));
    }

    @Test
    void rekey_collidingRowsFirstOldKeyArrivesFirst_rowWithFirstOldKeyWins() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 1)));
    }

    @Test
    void rekey_collidingRowsFirstOldKeyArrivesLast_rowWithFirstOldKeyWins() {
        kit.input(ORDERS).pipe("o-2", new Order("p-1", 2)).pipe("o-1", new Order("p-1", 1));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 1)));
    }

    @Test
    void rekey_collisionLoserUpdated_winnerStays() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2))
                .pipe("o-2", new Order("p-1", 20));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 1)));
    }

    @Test
    void rekey_collisionWinnerDeleted_otherRowTakesOver() {
        kit.input(ORDERS).pipe("o-2", new Order("p-1", 2)).pipe("o-1", new Order("p-1", 1)).delete("o-1");

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 2)));
    }

    @Test
    void rekey_collisionWinnerMovesAway_otherRowTakesOver() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2))
                .pipe("o-1", new Order("p-9", 1));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of(
                "p-1", new Order("p-1", 2), "p-9", new Order("p-9", 1)));
    }

    @Test
    void rekey_collisionLoserDeleted_winnerStaysAndLoserDoesNotReturnWhenWinnerGoes() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2))
                .delete("o-2").delete("o-1");

        assertThat(kit.view(BY_PRODUCT)).isEmpty();
    }

    @Test
    void rekey_collidingRows_oldKeysComparedBySerialisedBytesNotByValue() {
        // Serdes.Integer() writes big-endian two's complement: 1 is 00 00 00 01, -1 is FF FF FF FF
        kit.input(NUMBERED_ORDERS).pipe(-1, new Order("p-1", 100)).pipe(1, new Order("p-1", 1));

        assertThat(kit.view(NUMBERED_BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 1)));
    }

    @Test
    void rekey_afterMapValuesWithoutSerde_serdeGivenAtMaterializeCarriesTheValues() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-7", 3))
                .pipe("o-1", new Order("p-7", 2));

        assertThat(kit.view(QUANTITY_BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-7", 207));
    }

    @Test
    void rekey_randomUpdatesMovesAndDeletes_equalsQueryOverLatestValues() {
        Random random = new Random(7);
        Map<String, Order> orders = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            String id = "o-" + random.nextInt(15);
            if (random.nextInt(4) == 0) {
                kit.input(ORDERS).delete(id);
                orders.remove(id);
            } else {
                Order order = new Order("p-" + random.nextInt(4), i);
                kit.input(ORDERS).pipe(id, order);
                orders.put(id, order);
            }
        }
        // the winner of each new key is the row whose old key sorts first; String keys sort as UTF-8 bytes
        Map<String, Order> expected = new HashMap<>();
        new TreeMap<>(orders).forEach((id, order) -> expected.putIfAbsent(order.productId(), order));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(expected);
    }

    // a null new key: the row has no key in the view

    @Test
    void rekey_nullNewKey_rowIsLeftOut() {
        kit.input(ORDERS).pipe("o-1", new Order(null, 2)).pipe("o-2", new Order("p-1", 3));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 3)));
        assertThat(kit.deadLetters(BY_PRODUCT)).isEmpty();
    }

    @Test
    void rekey_rowMovesToNullKey_leavesItsKeyToTheNextRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3));

        kit.input(ORDERS).pipe("o-1", new Order(null, 2));

        assertThat(kit.view(BY_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", new Order("p-1", 3)));
    }
}
