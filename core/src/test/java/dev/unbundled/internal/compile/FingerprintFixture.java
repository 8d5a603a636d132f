package dev.unbundled.internal.compile;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A definition with what a fingerprint must read the same in every JVM: lambdas and method references, captured
 * numbers, sets and maps whose iteration order changes from JVM to JVM ({@code Set.of} is salted per JVM, enums
 * hash by identity), JSON serdes of records, a looked-up global view.
 */
final class FingerprintFixture {
    record Order(String id, String productId, int quantity) {
    }

    record Product(String name, long price) {
    }

    record Note(String orderId, String product, int weight) {
    }

    static final Topic<String, Order> ORDERS = Topic.of("orders", Serdes.String(), Json.serde(Order.class));
    static final Topic<String, Product> PRODUCTS = Topic.of("products", Serdes.String(), Json.serde(Product.class));

    private FingerprintFixture() {
    }

    static ViewDefinition<String, Note> notes() {
        int min = 2;
        Set<String> allowed = Set.of("a", "b", "c", "d", "e", "f", "g", "h");
        Map<TimeUnit, Integer> weights = new HashMap<>();
        for (TimeUnit unit : TimeUnit.values()) {
            weights.put(unit, unit.ordinal());
        }
        ViewDefinition<String, Product> catalog = View.from(PRODUCTS).materialize("catalog").global();
        return View.from(ORDERS)
                .filter((id, order) -> order.quantity() >= min && allowed.contains(order.id().substring(0, 1)))
                .lookup(catalog, Order::productId, (order, product) -> new Note(order.id(), product.name(),
                        weights.get(TimeUnit.SECONDS)))
                .withValueSerde(Json.serde(Note.class))
                .groupBy(Note::product, Serdes.String())
                .aggregate(() -> List.<String>of(), (list, note) -> list, (list, note) -> list,
                        Json.serde(new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { }))
                .mapValues(list -> new Note("", String.join(",", list), list.size()), Json.serde(Note.class))
                .materialize("notes");
    }
}
