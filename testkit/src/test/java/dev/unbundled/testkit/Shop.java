package dev.unbundled.testkit;

import dev.unbundled.Topic;
import dev.unbundled.serde.Json;
import org.apache.kafka.common.serialization.Serdes;

/** The order-notes domain the testkit's own tests use. */
final class Shop {
    private Shop() {
    }

    record Order(String productId, int quantity) {
    }

    record Product(String name, String category) {
    }

    record OrderNote(String product, int quantity) {
        OrderNote(Order order, Product product) {
            this(product == null ? null : product.name(), order.quantity());
        }
    }

    static final Topic<String, Order> ORDERS = Topic.of("orders", Serdes.String(), Json.serde(Order.class));
    static final Topic<String, Product> PRODUCTS = Topic.of("products", Serdes.String(), Json.serde(Product.class));
}
