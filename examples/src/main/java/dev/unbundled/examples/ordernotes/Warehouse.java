package dev.unbundled.examples.ordernotes;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The warehouse's data and the one view it needs: orders joined with the products they refer to.
 *
 * <pre>{@code
 * try (ViewRuntime runtime = ViewRuntime.builder().applicationId("warehouse")
 *         .bootstrapServers(servers).view(Warehouse.ORDER_NOTES).start()) {
 *     runtime.view(Warehouse.ORDER_NOTES).awaitReady(Duration.ofSeconds(30)).get("o-1");
 * }
 * }</pre>
 */
public final class Warehouse {
    private Warehouse() {
    }

    /**
     * An order, keyed by order id.
     *
     * @param productId the product ordered
     * @param quantity how many
     */
    public record Order(String productId, int quantity) {
    }

    /**
     * A product, keyed by product id.
     *
     * @param name what the warehouse calls it
     * @param shelf where it is kept
     */
    public record Product(String name, String shelf) {
    }

    /**
     * What the warehouse prints for an order: the product's current name and shelf.
     *
     * @param product the product's name
     * @param shelf where to pick it
     * @param quantity how many to pick
     */
    public record OrderNote(String product, String shelf, int quantity) {
        OrderNote(Order order, Product product) {
            this(product.name(), product.shelf(), order.quantity());
        }
    }

    /** Orders, by order id. */
    public static final Topic<String, Order> ORDERS = Topic.of("orders", Serdes.String(), Json.serde(Order.class));

    /** Products, by product id. */
    public static final Topic<String, Product> PRODUCTS =
            Topic.of("products", Serdes.String(), Json.serde(Product.class));

    /** Order id to order note, for every order of a positive quantity whose product exists. */
    public static final ViewDefinition<String, OrderNote> ORDER_NOTES =
            View.from(ORDERS)
                    .filter((id, order) -> order.quantity() > 0)
                    .join(View.from(PRODUCTS), Order::productId, OrderNote::new)
                    .materialize("order-notes", Json.serde(OrderNote.class));
}
