package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.Page;
import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewIndex;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewAssertions;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Declared secondary indexes, read by index key, range, prefix and pages, kept as rows change. */
class OperatorIndexTest {
    private static final ViewIndex<String, Order> BY_PRODUCT = ViewIndex.of("by-product", Order::productId,
            Serdes.String());
    private static final ViewIndex<Integer, Order> BY_QUANTITY = ViewIndex.of("by-quantity",
            order -> {
                if (order.quantity() < 0) {
                    throw new IllegalArgumentException("negative quantity");
                }
                return order.quantity();
            }, Serdes.Integer());
    private static final ViewDefinition<String, Order> ORDERS_BY_ID = View.from(ORDERS).materialize("orders-by-id")
            .withIndex(BY_PRODUCT).withIndex(BY_QUANTITY);

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID);
    private final ReadOnlyView<String, Order> view = kit.view(ORDERS_BY_ID);

    @AfterEach
    void close() {
        kit.close();
    }

    private void order(String id, String product, int quantity) {
        kit.input(ORDERS).pipe(id, new Order(product, quantity));
    }

    @Test
    void get_returnsTheRowsOfThatIndexKey_inViewKeyOrder() {
        order("o-3", "p-1", 3);
        order("o-1", "p-1", 1);
        order("o-2", "p-2", 2);

        assertThat(view.index(BY_PRODUCT).get("p-1")).containsExactly(
                Map.entry("o-1", new Order("p-1", 1)), Map.entry("o-3", new Order("p-1", 3)));
        assertThat(view.index(BY_PRODUCT).get("p-9")).isEmpty();
        ViewAssertions.assertThat(view).hasIndexEntries(BY_PRODUCT, "p-2", Map.of("o-2", new Order("p-2", 2)))
                .hasIndexMatchingRows(BY_PRODUCT).hasIndexMatchingRows(BY_QUANTITY);
    }

    @Test
    void aRowThatChanges_movesToItsNewIndexKey_andADeletedRowLeavesTheIndex() {
        order("o-1", "p-1", 1);
        order("o-2", "p-1", 2);
        order("o-1", "p-2", 1);
        kit.input(ORDERS).delete("o-2");

        assertThat(view.index(BY_PRODUCT).get("p-1")).isEmpty();
        assertThat(view.index(BY_PRODUCT).get("p-2")).containsOnlyKeys("o-1");
        ViewAssertions.assertThat(view).hasIndexMatchingRows(BY_PRODUCT);
    }

    @Test
    void aRowWithoutIndexKey_orWhoseIndexKeyFails_isInTheViewButNotTheIndex() {
        order("o-1", null, 1);
        order("o-2", "p-1", -5);

        assertThat(view.get("o-1")).isPresent();
        assertThat(view.get("o-2")).isPresent();
        try (Stream<Map.Entry<String, Order>> all = view.index(BY_PRODUCT).all()) {
            assertThat(all.map(Map.Entry::getKey)).containsExactly("o-2");
        }
        try (Stream<Map.Entry<String, Order>> all = view.index(BY_QUANTITY).all()) {
            assertThat(all.map(Map.Entry::getKey)).containsExactly("o-1");
        }
        ViewAssertions.assertThat(view).hasIndexMatchingRows(BY_PRODUCT);
    }

    @Test
    void rangeAndPrefix_readIndexKeysInSerialisedOrder() {
        order("o-1", "p-10", 1);
        order("o-2", "p-2", 2);
        order("o-3", "q-1", 3);
        order("o-4", "p-1", 4);
        order("o-5", "p-1\u0000x", 5);

        ReadOnlyIndex<String, String, Order> byProduct = view.index(BY_PRODUCT);
        try (Stream<Map.Entry<String, Order>> rows = byProduct.range("p-1", "p-2")) {
            assertThat(rows.map(Map.Entry::getKey)).containsExactly("o-4", "o-5", "o-1", "o-2");
        }
        try (Stream<Map.Entry<String, Order>> rows = byProduct.range("p-1", "p-1")) {
            assertThat(rows.map(Map.Entry::getKey)).containsExactly("o-4");
        }
        try (Stream<Map.Entry<String, Order>> rows = byProduct.prefixScan("p-1")) {
            assertThat(rows.map(Map.Entry::getKey)).containsExactly("o-4", "o-5", "o-1");
        }
        assertThat(byProduct.get("p-1")).containsOnlyKeys("o-4");
        assertThatThrownBy(() -> byProduct.range("q", "p")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("by-product").hasMessageContaining("reversed");
    }

    @Test
    void pages_walkOneIndexKeysRows_withCursors() {
        for (int i = 0; i < 12; i++) {
            order(String.format("o-%02d", i), i % 2 == 0 ? "even" : "odd", i);
        }
        ReadOnlyIndex<String, String, Order> byProduct = view.index(BY_PRODUCT);
        Map<String, Order> seen = new LinkedHashMap<>();
        Page<String, Order> page = byProduct.page("even", 4);
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            sizes.add(page.entries().size());
            page.entries().forEach(row -> seen.put(row.getKey(), row.getValue()));
            if (page.next().isEmpty()) {
                break;
            }
            page = byProduct.nextPage(page.next().get(), 4);
        }

        assertThat(sizes).containsExactly(4, 2);
        assertThat(seen).isEqualTo(byProduct.get("even"));
        assertThat(seen.keySet()).containsExactly("o-00", "o-02", "o-04", "o-06", "o-08", "o-10");
        assertThatThrownBy(() -> view.nextPage(byProduct.page("even", 1).next().orElseThrow(), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void misuse_failsFast_namingTheViewAndTheFix() {
        ViewIndex<String, Order> undeclared = ViewIndex.of("by-nothing", Order::productId, Serdes.String());
        assertThatThrownBy(() -> view.index(undeclared)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-id").hasMessageContaining("by-nothing").hasMessageContaining("withIndex");
        assertThatThrownBy(() -> View.from(ORDERS).materialize("twice").withIndex(BY_PRODUCT).withIndex(BY_PRODUCT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> View.from(ORDERS).materialize("global-one").withIndex(BY_PRODUCT).global())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("global-one");
        assertThatThrownBy(() -> ViewIndex.of("no.dots", Order::productId, Serdes.String()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no.dots");
        assertThatThrownBy(() -> view.index(BY_PRODUCT).get(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("by-product");
    }
}
