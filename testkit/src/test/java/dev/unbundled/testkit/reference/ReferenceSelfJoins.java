package dev.unbundled.testkit.reference;

import static dev.unbundled.testkit.reference.ReferenceInputs.ORDERS;
import static dev.unbundled.testkit.reference.ReferenceViews.check;
import static dev.unbundled.testkit.reference.ReferenceViews.filter;
import static dev.unbundled.testkit.reference.ReferenceViews.groups;
import static dev.unbundled.testkit.reference.ReferenceViews.mapValues;

import dev.unbundled.View;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.reference.ReferenceInputs.Order;
import dev.unbundled.testkit.reference.ReferenceInputs.OrderPair;
import dev.unbundled.testkit.reference.ReferenceInputs.Qty;
import dev.unbundled.testkit.reference.ReferenceViews.ViewCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The views of {@link ReferenceEvaluatorTest} that read the orders topic on both sides of one join: each
 * order record changes both sides at once, and its deletes must still reach the view.
 */
final class ReferenceSelfJoins {
    private ReferenceSelfJoins() {
    }

    /** The order whose key is "o" and an order's quantity ("o0" to "o4" exist; "o-1" never does). */
    static String parentKey(Order order) {
        return "o" + order.quantity();
    }

    /** @return every view reading orders twice, with its reference; new definitions on each call */
    static List<ViewCheck<?>> all() {
        List<ViewCheck<?>> all = new ArrayList<>();

        all.add(check(View.from(ORDERS)
                        .join(View.from(ORDERS), (Order a, Order b) -> new OrderPair(a.quantity(), b.quantity()))
                        .materialize("self-join-orders", Json.serde(OrderPair.class)),
                m -> mapValues(m.orders, o -> new OrderPair(o.quantity(), o.quantity()))));

        // a row leaves both sides at once when it is deleted, and when it stops matching both filters
        all.add(check(View.from(ORDERS)
                        .filter((id, o) -> o.quantity() > 0)
                        .join(View.from(ORDERS).filter((id, o) -> o.productId() != null),
                                (Order open, Order withProduct) -> new OrderPair(open.quantity(), withProduct.quantity()))
                        .materialize("self-join-open-with-product", Json.serde(OrderPair.class)),
                m -> mapValues(filter(m.orders, (id, o) -> o.quantity() > 0 && o.productId() != null),
                        o -> new OrderPair(o.quantity(), o.quantity()))));

        // counted: each change of a self-joined row retracts exactly the row it added before
        all.add(check(View.from(ORDERS)
                        .join(View.from(ORDERS), (Order a, Order b) -> a)
                        .withValueSerde(Json.serde(Order.class))
                        .groupBy(Order::customerId, Serdes.String())
                        .count()
                        .materialize("self-join-count-by-customer"),
                m -> mapValues(groups(m.orders, Order::customerId), rows -> (long) rows.size())));

        all.add(check(View.from(ORDERS)
                        .leftJoin(View.from(ORDERS).filter((id, o) -> o.quantity() > 0),
                                (Order o, Order open) -> new Qty(o.customerId(), open == null ? 0 : open.quantity()))
                        .withValueSerde(Json.serde(Qty.class))
                        .groupBy(Qty::customerId, Serdes.String())
                        .aggregate(() -> 0L, (sum, q) -> sum + q.quantity(), (sum, q) -> sum - q.quantity(), Serdes.Long())
                        .materialize("self-left-join-open-quantity-by-customer"),
                m -> mapValues(groups(m.orders, Order::customerId),
                        rows -> rows.stream().mapToLong(o -> Math.max(0, o.quantity())).sum())));

        // a self-join left-joined with the topic a third time: copies of copies
        all.add(check(View.from(ORDERS)
                        .join(View.from(ORDERS).filter((id, o) -> o.productId() != null), (Order a, Order b) -> a)
                        .withValueSerde(Json.serde(Order.class))
                        .leftJoin(View.from(ORDERS).filter((id, o) -> o.quantity() > 0),
                                (Order ab, Order open) -> new OrderPair(ab.quantity(), open == null ? null : open.quantity()))
                        .materialize("self-join-thrice", Json.serde(OrderPair.class)),
                m -> mapValues(filter(m.orders, (id, o) -> o.productId() != null),
                        o -> new OrderPair(o.quantity(), o.quantity() > 0 ? o.quantity() : null))));

        // a foreign key into the same topic: an order joined with the order its quantity names
        all.add(check(View.from(ORDERS)
                        .join(View.from(ORDERS), ReferenceSelfJoins::parentKey,
                                (Order child, Order parent) -> new OrderPair(child.quantity(), parent.quantity()))
                        .materialize("fk-self-join-parent", Json.serde(OrderPair.class)),
                m -> {
                    Map<String, OrderPair> out = new HashMap<>();
                    m.orders.forEach((id, o) -> {
                        Order parent = m.orders.get(parentKey(o));
                        if (parent != null) {
                            out.put(id, new OrderPair(o.quantity(), parent.quantity()));
                        }
                    });
                    return out;
                }));

        all.add(check(View.from(ORDERS)
                        .leftJoin(View.from(ORDERS), ReferenceSelfJoins::parentKey, (Order child, Order parent) ->
                                new OrderPair(child.quantity(), parent == null ? null : parent.quantity()))
                        .materialize("fk-self-left-join-parent", Json.serde(OrderPair.class)),
                m -> mapValues(m.orders, o -> {
                    Order parent = m.orders.get(parentKey(o));
                    return new OrderPair(o.quantity(), parent == null ? null : parent.quantity());
                })));
        return all;
    }
}
