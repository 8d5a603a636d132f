package dev.unbundled.testkit.operators;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apache.kafka.common.serialization.Serdes;

/** The small shop and music domains the operator tests run over. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * A component that may be null: {@code Json.serde} requires every other one, and the tests below write null
     * foreign and group keys, and join results without a partner, on purpose. Any runtime annotation of this simple
     * name does (JSpecify's, Jakarta's).
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
    @interface Nullable {
    }

    record Order(@Nullable String productId, int quantity) {
    }

    record Product(String name, String category) {
    }

    /** An order joined with its product; the product name is null where the order has no product. */
    record OrderNote(@Nullable String product, int quantity) {
        static OrderNote of(Order order, Product product) {
            return new OrderNote(product == null ? null : product.name(), order.quantity());
        }
    }

    record Shipment(String carrier) {
    }

    /** An order joined on the same key with its shipment; the carrier is null where there is none. */
    record Tracking(int quantity, @Nullable String carrier) {
        static Tracking of(Order order, Shipment shipment) {
            return new Tracking(order.quantity(), shipment == null ? null : shipment.carrier());
        }
    }

    record Play(@Nullable String song, int seconds) {
    }

    /** orderId -> order, read as a table. */
    static final Topic<String, Order> ORDERS = Topic.of("orders", Serdes.String(), Json.serde(Order.class));
    /** productId -> product. */
    static final Topic<String, Product> PRODUCTS = Topic.of("products", Serdes.String(), Json.serde(Product.class));
    /** orderId -> shipment, keyed like {@link #ORDERS}. */
    static final Topic<String, Shipment> SHIPMENTS =
            Topic.of("shipments", Serdes.String(), Json.serde(Shipment.class));
    /** orderId -> order, read as a stream of facts. */
    static final Topic<String, Order> ORDER_EVENTS =
            Topic.of("order-events", Serdes.String(), Json.serde(Order.class));
    /** userId -> a song the user played. */
    static final Topic<String, Play> PLAYS = Topic.of("plays", Serdes.String(), Json.serde(Play.class));
    /** Integer-keyed orders, whose serialised keys do not sort like the numbers (negatives sort last). */
    static final Topic<Integer, Order> NUMBERED_ORDERS =
            Topic.of("numbered-orders", Serdes.Integer(), Json.serde(Order.class));

    /** The products, fully replicated: what lookups enrich against. */
    static ViewDefinition<String, Product> productsGlobal() {
        return View.from(PRODUCTS).materialize("products").global();
    }
}
