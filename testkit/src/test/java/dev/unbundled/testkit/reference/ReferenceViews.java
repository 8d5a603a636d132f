package dev.unbundled.testkit.reference;

import static dev.unbundled.testkit.reference.ReferenceInputs.ACCOUNTS;
import static dev.unbundled.testkit.reference.ReferenceInputs.CUSTOMERS;
import static dev.unbundled.testkit.reference.ReferenceInputs.EVERY_KEY;
import static dev.unbundled.testkit.reference.ReferenceInputs.ORDERS;
import static dev.unbundled.testkit.reference.ReferenceInputs.PRODUCTS;
import static dev.unbundled.testkit.reference.ReferenceInputs.line;
import static dev.unbundled.testkit.reference.ReferenceInputs.productKey;

import dev.unbundled.History;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewIndex;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.ViewAssert;
import dev.unbundled.testkit.ViewAssertions;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.reference.ReferenceInputs.Account;
import dev.unbundled.testkit.reference.ReferenceInputs.Customer;
import dev.unbundled.testkit.reference.ReferenceInputs.CustomerAccount;
import dev.unbundled.testkit.reference.ReferenceInputs.CustomerLine;
import dev.unbundled.testkit.reference.ReferenceInputs.CustomerStats;
import dev.unbundled.testkit.reference.ReferenceInputs.Line;
import dev.unbundled.testkit.reference.ReferenceInputs.Model;
import dev.unbundled.testkit.reference.ReferenceInputs.Order;
import dev.unbundled.testkit.reference.ReferenceInputs.OrderNote;
import dev.unbundled.testkit.reference.ReferenceInputs.OrderPair;
import dev.unbundled.testkit.reference.ReferenceInputs.OrderPopularity;
import dev.unbundled.testkit.reference.ReferenceInputs.OrderRegion;
import dev.unbundled.testkit.reference.ReferenceInputs.Product;
import dev.unbundled.testkit.reference.ReferenceInputs.Qty;
import dev.unbundled.testkit.reference.ReferenceInputs.RegionQty;
import dev.unbundled.testkit.reference.ReferenceInputs.Standing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The views {@link ReferenceEvaluatorTest} checks, each with its naive reference evaluator: the view's
 * query computed directly over the latest value per key of every topic ({@link Model}).
 */
final class ReferenceViews {
    private ReferenceViews() {
    }

    /** Long enough for every op of a seed: the ops are a second apart. */
    static final History HISTORY = History.retain(Duration.ofDays(1));

    // ---------------------------------------------------------------- naive reference helpers

    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Re-key: among rows mapping to the same new key, the one whose old key sorts first by UTF-8 bytes wins. */
    static <V> Map<String, V> rekey(Map<String, V> rows, Function<V, String> keyOf) {
        Map<String, String> winner = new HashMap<>();
        rows.forEach((oldKey, value) -> winner.merge(keyOf.apply(value), oldKey,
                (a, b) -> compareUtf8(a, b) <= 0 ? a : b));
        Map<String, V> out = new HashMap<>();
        winner.forEach((newKey, oldKey) -> out.put(newKey, rows.get(oldKey)));
        return out;
    }

    static <V> Map<String, V> filter(Map<String, V> rows, BiPredicate<String, V> keep) {
        Map<String, V> out = new HashMap<>();
        rows.forEach((k, v) -> {
            if (keep.test(k, v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    static <V, R> Map<String, R> mapValues(Map<String, V> rows, Function<V, R> mapper) {
        Map<String, R> out = new HashMap<>();
        rows.forEach((k, v) -> out.put(k, mapper.apply(v)));
        return out;
    }

    /** Table group-by: one row per non-empty group, never a group without rows. */
    static <V> Map<String, List<V>> groups(Map<String, V> rows, Function<V, String> keyOf) {
        Map<String, List<V>> out = new HashMap<>();
        rows.forEach((k, v) -> out.computeIfAbsent(keyOf.apply(v), g -> new ArrayList<>()).add(v));
        return out;
    }

    static <V> Map<String, List<V>> groups(List<V> events, Function<V, String> keyOf) {
        Map<String, List<V>> out = new HashMap<>();
        events.forEach(v -> out.computeIfAbsent(keyOf.apply(v), g -> new ArrayList<>()).add(v));
        return out;
    }

    /** Order lines of positive orders whose product exists, by order id. */
    static Map<String, Line> positiveLines(Model m) {
        Map<String, Line> out = new HashMap<>();
        m.orders.forEach((id, o) -> {
            Product p = o.productId() == null ? null : m.products.get(o.productId());
            if (o.quantity() > 0 && p != null) {
                out.put(id, line(o, p));
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- the views and their references

    record ViewCheck<V>(ViewDefinition<String, V> definition, Function<Model, Map<String, V>> reference) {
        String name() {
            return definition.name();
        }

        /**
         * @param pointReads also read every key any view could hold one by one, through {@code get}
         * @return null if the view equals its reference, else the assertion's message
         */
        String mismatch(ViewTestKit kit, Model model, boolean pointReads) {
            return mismatch(kit.view(definition), model, pointReads);
        }

        /** As {@link #mismatch(ViewTestKit, Model, boolean)}, for a view read from a kit or a runtime. */
        String mismatch(ReadOnlyView<String, V> read, Model model, boolean pointReads) {
            Map<String, V> expected = reference.apply(model);
            try {
                ViewAssert<String, V> view = ViewAssertions.assertThat(read).containsExactlyEntriesOf(expected);
                if (!definition.isGlobal()) {
                    // the view's rows equal the reference's (just checked), so this checks the index is the
                    // reference grouped by bucket: each bucket read by key, and nothing else in the index
                    view.hasIndexMatchingRows(BUCKETS);
                }
                if (pointReads) {
                    for (String key : EVERY_KEY) {
                        if (expected.containsKey(key)) {
                            view.containsEntry(key, expected.get(key));
                        } else {
                            view.doesNotContainKey(key);
                        }
                    }
                }
                return null;
            } catch (AssertionError e) {
                return e.getMessage();
            }
        }

        /**
         * @param past the reference after each op so far, oldest first
         * @return null if {@code getAsOf} of every key, just before the first op, at every op's timestamp
         *     and just before the next op's, equals the reference after that op; else what differed
         */
        String historyMismatch(ViewTestKit kit, List<? extends Map<String, ?>> past) {
            ReadOnlyView<String, V> view = kit.view(definition);
            for (String key : EVERY_KEY) {
                Optional<V> beforeFirst = view.getAsOf(key, ReferenceKits.timeOf(0).minusMillis(1));
                if (beforeFirst.isPresent()) {
                    return String.format("%n  getAsOf(%s) before the first op: expected nothing, got %s", key, beforeFirst.get());
                }
                for (int step = 0; step < past.size(); step++) {
                    Optional<?> expected = Optional.ofNullable(past.get(step).get(key));
                    for (Instant at : List.of(ReferenceKits.timeOf(step), ReferenceKits.timeOf(step + 1).minusMillis(1))) {
                        Optional<V> actual = view.getAsOf(key, at);
                        if (!actual.equals(expected)) {
                            return String.format("%n  getAsOf(%s, %s), after op #%d: expected %s, got %s", key, at, step,
                                    expected.map(Object::toString).orElse("nothing"),
                                    actual.map(Object::toString).orElse("nothing"));
                        }
                    }
                }
            }
            return null;
        }

        String actual(ViewTestKit kit) {
            return actual(kit.view(definition));
        }

        String actual(ReadOnlyView<String, V> view) {
            try (Stream<Map.Entry<String, V>> all = view.all()) {
                return new TreeMap<>(all.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))).toString();
            }
        }

        String expected(Model model) {
            return new TreeMap<>(reference.apply(model)).toString();
        }
    }

    /**
     * An index every partitioned view of the test keeps: rows in three buckets by their value's hash, and a
     * fourth left out of the index (a null index key). Its content must equal the reference rows grouped the
     * same way, whatever operators made the view.
     */
    static final ViewIndex<String, Object> BUCKETS = ViewIndex.of("buckets", ReferenceViews::bucket, Serdes.String());

    static String bucket(Object value) {
        int bucket = Math.floorMod(value.hashCode(), 4);
        return bucket == 3 ? null : "bucket-" + bucket;
    }

    static <V> ViewCheck<V> check(ViewDefinition<String, V> definition, Function<Model, Map<String, V>> reference) {
        return new ViewCheck<>(definition.isGlobal() ? definition : definition.withIndex(BUCKETS), reference);
    }

    /** @return every view of the test, with its reference; new definitions on each call */
    static List<ViewCheck<?>> all() {
        List<ViewCheck<?>> all = new ArrayList<>();

        // --- combinations: several operators in one view

        // filter + FK join + group-by aggregate with subtractor
        all.add(check(View.from(ORDERS)
                        .filter((id, o) -> o.quantity() > 0)
                        .join(View.from(PRODUCTS), Order::productId, ReferenceInputs::line)
                        .withValueSerde(Json.serde(Line.class))
                        .groupBy(Line::category, Serdes.String())
                        .aggregate(() -> 0L, (sum, l) -> sum + l.amount(), (sum, l) -> sum - l.amount(), Serdes.Long())
                        .materialize("combo-sales-by-category"),
                m -> mapValues(groups(positiveLines(m), Line::category),
                        lines -> lines.stream().mapToLong(Line::amount).sum())));

        // filter + FK join + re-key + group-by aggregate with subtractor: the four operators in one view.
        // A line moves between groups when its order's quantity, product or customer changes, when its product
        // is renamed into another category or deleted, and when the first line of a customer changes.
        all.add(check(View.from(ORDERS)
                        .filter((id, o) -> o.quantity() > 0)
                        .join(View.from(PRODUCTS), Order::productId, ReferenceInputs::line)
                        .withValueSerde(Json.serde(Line.class))
                        .rekey(Line::customerId, Serdes.String())
                        .groupBy(Line::category, Serdes.String())
                        .aggregate(() -> 0L, (sum, l) -> sum + l.amount(), (sum, l) -> sum - l.amount(), Serdes.Long())
                        .materialize("combo-first-line-sales-by-category"),
                m -> mapValues(groups(rekey(positiveLines(m), Line::customerId), Line::category),
                        lines -> lines.stream().mapToLong(Line::amount).sum())));

        // same-key join + mapValues + same-key left join into an aggregation: the inner join is stored (the left
        // join reads its old values), so it needs its own serde
        all.add(check(View.from(CUSTOMERS)
                        .join(View.from(ACCOUNTS), (Customer c, Account a) -> new CustomerAccount(c.region(), c.tier(), a.balance()))
                        .withValueSerde(Json.serde(CustomerAccount.class))
                        .mapValues(ca -> new Standing(ca.region(), ca.balance() * ca.tier(), null), Json.serde(Standing.class))
                        .leftJoin(View.from(ORDERS).groupBy(Order::customerId, Serdes.String()).count(),
                                (Standing s, Long n) -> new Standing(s.region(), s.weightedBalance(), n))
                        .materialize("combo-join-map-left-join-standing", Json.serde(Standing.class)),
                m -> {
                    Map<String, List<Order>> byCustomer = groups(m.orders, Order::customerId);
                    Map<String, Standing> out = new HashMap<>();
                    m.customers.forEach((cid, c) -> {
                        Account a = m.accounts.get(cid);
                        if (a != null) {
                            List<Order> rows = byCustomer.get(cid);
                            out.put(cid, new Standing(c.region(), a.balance() * c.tier(),
                                    rows == null ? null : (long) rows.size()));
                        }
                    });
                    return out;
                }));

        // filter + mapValues + group-by aggregate over events: the fold of every matching event, in order
        all.add(check(View.events(ORDERS)
                        .filter((id, o) -> o.quantity() > 0)
                        .mapValues(o -> new Qty(o.customerId(), o.quantity()), Json.serde(Qty.class))
                        .groupBy(Qty::customerId, Serdes.String())
                        .aggregate(() -> 0L, (sum, q) -> sum + q.quantity(), Serdes.Long())
                        .materialize("combo-events-positive-quantity-by-customer"),
                m -> mapValues(groups(m.orderEvents.stream().filter(o -> o.quantity() > 0).toList(), Order::customerId),
                        events -> events.stream().mapToLong(Order::quantity).sum())));

        // filter + FK join + re-key + same-key join
        all.add(check(View.from(ORDERS)
                        .filter((id, o) -> o.quantity() > 0)
                        .join(View.from(PRODUCTS), Order::productId, ReferenceInputs::line)
                        .withValueSerde(Json.serde(Line.class))
                        .rekey(Line::customerId, Serdes.String())
                        .join(View.from(CUSTOMERS), (Line l, Customer c) -> new CustomerLine(c.region(), c.tier(), l))
                        .materialize("combo-first-line-per-customer", Json.serde(CustomerLine.class)),
                m -> {
                    Map<String, CustomerLine> out = new HashMap<>();
                    rekey(positiveLines(m), Line::customerId).forEach((cid, l) -> {
                        Customer c = m.customers.get(cid);
                        if (c != null) {
                            out.put(cid, new CustomerLine(c.region(), c.tier(), l));
                        }
                    });
                    return out;
                }));

        // FK left join + group-by reduce with subtractor
        all.add(check(View.from(ORDERS)
                        .leftJoin(View.from(CUSTOMERS), Order::customerId,
                                (Order o, Customer c) -> new RegionQty(c == null ? "unknown" : c.region(), o.quantity()))
                        .withValueSerde(Json.serde(RegionQty.class))
                        .groupBy(RegionQty::region, Serdes.String())
                        .reduce((a, b) -> new RegionQty(a.region(), a.quantity() + b.quantity()),
                                (a, b) -> new RegionQty(a.region(), a.quantity() - b.quantity()))
                        .materialize("combo-quantity-by-region"),
                m -> {
                    Map<String, Integer> sums = new HashMap<>();
                    m.orders.values().forEach(o -> {
                        Customer c = m.customers.get(o.customerId());
                        sums.merge(c == null ? "unknown" : c.region(), o.quantity(), Integer::sum);
                    });
                    Map<String, RegionQty> out = new HashMap<>();
                    sums.forEach((region, q) -> out.put(region, new RegionQty(region, q)));
                    return out;
                }));

        // re-key + group-by count
        all.add(check(View.from(ORDERS)
                        .rekey(Order::customerId, Serdes.String())
                        .groupBy(ReferenceInputs::productKey, Serdes.String())
                        .count()
                        .materialize("combo-first-order-product-count"),
                m -> mapValues(groups(rekey(m.orders, Order::customerId), ReferenceInputs::productKey),
                        rows -> (long) rows.size())));

        // aggregation (count, and sum through the Counted wrapper) as the right side of a same-key join:
        // a customer whose orders all left must lose its row (inner) or show null (left), never 0
        all.add(check(View.from(CUSTOMERS)
                        .join(View.from(ORDERS).groupBy(Order::customerId, Serdes.String()).count(),
                                (Customer c, Long n) -> new CustomerStats(c.region(), n))
                        .materialize("combo-customer-order-count", Json.serde(CustomerStats.class), HISTORY),
                m -> {
                    Map<String, CustomerStats> out = new HashMap<>();
                    groups(m.orders, Order::customerId).forEach((cid, rows) -> {
                        Customer c = m.customers.get(cid);
                        if (c != null) {
                            out.put(cid, new CustomerStats(c.region(), (long) rows.size()));
                        }
                    });
                    return out;
                }));

        all.add(check(View.from(CUSTOMERS)
                        .leftJoin(View.from(ORDERS).groupBy(Order::customerId, Serdes.String())
                                        .aggregate(() -> 0L, (sum, o) -> sum + o.quantity(), (sum, o) -> sum - o.quantity(),
                                                Serdes.Long()),
                                (Customer c, Long sum) -> new CustomerStats(c.region(), sum))
                        .materialize("combo-customer-order-quantity", Json.serde(CustomerStats.class)),
                m -> {
                    Map<String, List<Order>> byCustomer = groups(m.orders, Order::customerId);
                    Map<String, CustomerStats> out = new HashMap<>();
                    m.customers.forEach((cid, c) -> {
                        List<Order> rows = byCustomer.get(cid);
                        out.put(cid, new CustomerStats(c.region(),
                                rows == null ? null : rows.stream().mapToLong(Order::quantity).sum()));
                    });
                    return out;
                }));

        // re-key, then a foreign-key join off the re-keyed table
        all.add(check(View.from(ORDERS)
                        .rekey(Order::customerId, Serdes.String())
                        .join(View.from(PRODUCTS), Order::productId,
                                (Order o, Product p) -> new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()))
                        .materialize("combo-first-order-with-product", Json.serde(OrderNote.class)),
                m -> {
                    Map<String, OrderNote> out = new HashMap<>();
                    rekey(m.orders, Order::customerId).forEach((cid, o) -> {
                        Product p = o.productId() == null ? null : m.products.get(o.productId());
                        if (p != null) {
                            out.put(cid, new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()));
                        }
                    });
                    return out;
                }));

        // a stream aggregation as the right side of a table join
        all.add(check(View.from(CUSTOMERS)
                        .join(View.events(ORDERS).groupBy(Order::customerId, Serdes.String()).count(),
                                (Customer c, Long n) -> new CustomerStats(c.region(), n))
                        .materialize("combo-customer-event-count", Json.serde(CustomerStats.class)),
                m -> {
                    Map<String, CustomerStats> out = new HashMap<>();
                    groups(m.orderEvents, Order::customerId).forEach((cid, events) -> {
                        Customer c = m.customers.get(cid);
                        if (c != null) {
                            out.put(cid, new CustomerStats(c.region(), (long) events.size()));
                        }
                    });
                    return out;
                }));

        // a foreign-key join into an aggregation of the same topic: one record changes both sides
        all.add(check(View.from(ORDERS)
                        .join(View.from(ORDERS).groupBy(ReferenceInputs::productKey, Serdes.String()).count(),
                                ReferenceInputs::productKey,
                                (Order o, Long n) -> new OrderPopularity(productKey(o), o.quantity(), n))
                        .materialize("combo-order-with-product-popularity", Json.serde(OrderPopularity.class)),
                m -> {
                    Map<String, List<Order>> byProduct = groups(m.orders, ReferenceInputs::productKey);
                    return mapValues(m.orders, o -> new OrderPopularity(productKey(o), o.quantity(),
                            byProduct.get(productKey(o)).size()));
                }));

        // a same-key self-join: both sides read the one orders table
        all.add(check(View.from(ORDERS)
                        .leftJoin(View.from(ORDERS).filter((id, o) -> o.quantity() > 0).mapValues(Order::quantity, Serdes.Integer()),
                                (Order o, Integer positive) -> new OrderPair(o.quantity(), positive))
                        .materialize("combo-order-self-join", Json.serde(OrderPair.class)),
                m -> mapValues(m.orders, o -> new OrderPair(o.quantity(), o.quantity() > 0 ? o.quantity() : null))));

        // a re-key of a re-key: the second tie rule orders by the first re-key's keys
        all.add(check(View.from(ORDERS)
                        .rekey(Order::customerId, Serdes.String())
                        .rekey(ReferenceInputs::productKey, Serdes.String())
                        .materialize("combo-rekey-of-rekey"),
                m -> rekey(rekey(m.orders, Order::customerId), ReferenceInputs::productKey)));

        // --- same-key joins

        // a same-key join read with its old values: counted per region, and re-keyed by region
        all.add(check(View.from(CUSTOMERS)
                        .join(View.from(ACCOUNTS), (Customer c, Account a) -> new CustomerAccount(c.region(), c.tier(), a.balance()))
                        .withValueSerde(Json.serde(CustomerAccount.class))
                        .groupBy(CustomerAccount::region, Serdes.String())
                        .count()
                        .materialize("join-then-count-per-region"),
                m -> {
                    Map<String, Long> out = new HashMap<>();
                    m.customers.forEach((k, c) -> {
                        if (m.accounts.containsKey(k)) {
                            out.merge(c.region(), 1L, Long::sum);
                        }
                    });
                    return out;
                }));

        all.add(check(View.from(CUSTOMERS)
                        .join(View.from(ACCOUNTS), (Customer c, Account a) -> new CustomerAccount(c.region(), c.tier(), a.balance()))
                        .withValueSerde(Json.serde(CustomerAccount.class))
                        .rekey(CustomerAccount::region, Serdes.String())
                        .materialize("join-then-rekey-by-region"),
                m -> {
                    Map<String, CustomerAccount> joined = new HashMap<>();
                    m.customers.forEach((k, c) -> {
                        Account a = m.accounts.get(k);
                        if (a != null) {
                            joined.put(k, new CustomerAccount(c.region(), c.tier(), a.balance()));
                        }
                    });
                    return rekey(joined, CustomerAccount::region);
                }));

        all.add(check(View.from(CUSTOMERS)
                        .join(View.from(ACCOUNTS), (Customer c, Account a) -> new CustomerAccount(c.region(), c.tier(), a.balance()))
                        .materialize("join-customer-account", Json.serde(CustomerAccount.class)),
                m -> {
                    Map<String, CustomerAccount> out = new HashMap<>();
                    m.customers.forEach((k, c) -> {
                        Account a = m.accounts.get(k);
                        if (a != null) {
                            out.put(k, new CustomerAccount(c.region(), c.tier(), a.balance()));
                        }
                    });
                    return out;
                }));

        all.add(check(View.from(CUSTOMERS)
                        .leftJoin(View.from(ACCOUNTS), (Customer c, Account a) ->
                                new CustomerAccount(c.region(), c.tier(), a == null ? null : a.balance()))
                        .materialize("left-join-customer-account", Json.serde(CustomerAccount.class)),
                m -> {
                    Map<String, CustomerAccount> out = new HashMap<>();
                    m.customers.forEach((k, c) -> {
                        Account a = m.accounts.get(k);
                        out.put(k, new CustomerAccount(c.region(), c.tier(), a == null ? null : a.balance()));
                    });
                    return out;
                }));

        // a same-key join under a filter and a mapping at the view's top: neither step stores the join
        all.add(check(View.from(CUSTOMERS)
                        .leftJoin(View.from(ACCOUNTS), (Customer c, Account a) ->
                                new CustomerAccount(c.region(), c.tier(), a == null ? null : a.balance()))
                        .filter((id, ca) -> ca.balance() != null)
                        .mapValues(CustomerAccount::balance, Serdes.Long())
                        .materialize("left-join-filtered-balance"),
                m -> {
                    Map<String, Long> out = new HashMap<>();
                    m.customers.forEach((k, c) -> {
                        Account a = m.accounts.get(k);
                        if (a != null) {
                            out.put(k, a.balance());
                        }
                    });
                    return out;
                }));

        // both sides filtered, so neither is a stored table of its own
        all.add(check(View.from(CUSTOMERS)
                        .filter((id, c) -> c.tier() > 0)
                        .leftJoin(View.from(ACCOUNTS).filter((id, a) -> a.balance() >= 0),
                                (Customer c, Account a) -> new CustomerAccount(c.region(), c.tier(), a == null ? null : a.balance()))
                        .materialize("left-join-filtered-sides", Json.serde(CustomerAccount.class)),
                m -> {
                    Map<String, CustomerAccount> out = new HashMap<>();
                    filter(m.customers, (k, c) -> c.tier() > 0).forEach((k, c) -> {
                        Account a = m.accounts.get(k);
                        Long balance = a == null || a.balance() < 0 ? null : a.balance();
                        out.put(k, new CustomerAccount(c.region(), c.tier(), balance));
                    });
                    return out;
                }));

        // --- foreign-key joins

        // into a filtered table: a product that stops matching drops its orders
        all.add(check(View.from(ORDERS)
                        .join(View.from(PRODUCTS).filter((id, p) -> p.price() < 5), Order::productId,
                                (Order o, Product p) -> new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()))
                        .materialize("fk-join-cheap-product", Json.serde(OrderNote.class)),
                m -> {
                    Map<String, OrderNote> out = new HashMap<>();
                    m.orders.forEach((id, o) -> {
                        Product p = o.productId() == null ? null : m.products.get(o.productId());
                        if (p != null && p.price() < 5) {
                            out.put(id, new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()));
                        }
                    });
                    return out;
                }));

        all.add(check(View.from(ORDERS)
                        .join(View.from(PRODUCTS), Order::productId,
                                (Order o, Product p) -> new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()))
                        .materialize("fk-join-order-product", Json.serde(OrderNote.class), HISTORY),
                m -> {
                    Map<String, OrderNote> out = new HashMap<>();
                    m.orders.forEach((id, o) -> {
                        Product p = o.productId() == null ? null : m.products.get(o.productId());
                        if (p != null) {
                            out.put(id, new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()));
                        }
                    });
                    return out;
                }));

        all.add(check(View.from(ORDERS)
                        .leftJoin(View.from(PRODUCTS), Order::productId, (Order o, Product p) -> new OrderNote(
                                o.customerId(), p == null ? null : p.category(), o.quantity(), p == null ? null : p.price()))
                        .materialize("fk-left-join-order-product", Json.serde(OrderNote.class)),
                m -> {
                    Map<String, OrderNote> out = new HashMap<>();
                    m.orders.forEach((id, o) -> {
                        Product p = o.productId() == null ? null : m.products.get(o.productId());
                        out.put(id, new OrderNote(o.customerId(), p == null ? null : p.category(), o.quantity(),
                                p == null ? null : p.price()));
                    });
                    return out;
                }));

        all.add(check(View.from(ORDERS)
                        .join(View.from(CUSTOMERS), Order::customerId,
                                (Order o, Customer c) -> new OrderRegion(c.region(), o.quantity()))
                        .materialize("fk-join-order-customer", Json.serde(OrderRegion.class)),
                m -> {
                    Map<String, OrderRegion> out = new HashMap<>();
                    m.orders.forEach((id, o) -> {
                        Customer c = m.customers.get(o.customerId());
                        if (c != null) {
                            out.put(id, new OrderRegion(c.region(), o.quantity()));
                        }
                    });
                    return out;
                }));

        // --- re-keys

        all.add(check(View.from(ORDERS)
                        .rekey(Order::customerId, Serdes.String())
                        .materialize("rekey-order-by-customer", HISTORY),
                m -> rekey(m.orders, Order::customerId)));

        all.add(check(View.from(ORDERS)
                        .filter((id, o) -> o.quantity() > 0)
                        .rekey(ReferenceInputs::productKey, Serdes.String())
                        .materialize("rekey-positive-order-by-product"),
                m -> rekey(filter(m.orders, (id, o) -> o.quantity() > 0), ReferenceInputs::productKey)));

        // --- table aggregations: a group without rows is absent, never 0

        all.add(check(View.from(ORDERS)
                        .groupBy(Order::customerId, Serdes.String())
                        .count()
                        .materialize("count-orders-by-customer", HISTORY),
                m -> mapValues(groups(m.orders, Order::customerId), rows -> (long) rows.size())));

        all.add(check(View.from(CUSTOMERS)
                        .groupBy(Customer::region, Serdes.String())
                        .count()
                        .materialize("count-customers-by-region"),
                m -> mapValues(groups(m.customers, Customer::region), rows -> (long) rows.size())));

        all.add(check(View.from(ORDERS)
                        .mapValues(o -> new Qty(o.customerId(), o.quantity()), Json.serde(Qty.class))
                        .groupBy(Qty::customerId, Serdes.String())
                        .reduce((a, b) -> new Qty(a.customerId(), a.quantity() + b.quantity()),
                                (a, b) -> new Qty(a.customerId(), a.quantity() - b.quantity()))
                        .materialize("reduce-quantity-by-customer"),
                m -> {
                    Map<String, Qty> out = new HashMap<>();
                    groups(m.orders, Order::customerId).forEach((cid, rows) ->
                            out.put(cid, new Qty(cid, rows.stream().mapToInt(Order::quantity).sum())));
                    return out;
                }));

        // quantities go down to -1, so a non-empty group may sum to 0 and must still be present
        all.add(check(View.from(ORDERS)
                        .groupBy(ReferenceInputs::productKey, Serdes.String())
                        .aggregate(() -> 0L, (sum, o) -> sum + o.quantity(), (sum, o) -> sum - o.quantity(), Serdes.Long())
                        .materialize("aggregate-quantity-by-product"),
                m -> mapValues(groups(m.orders, ReferenceInputs::productKey),
                        rows -> rows.stream().mapToLong(Order::quantity).sum())));

        // --- stream aggregations over View.events: the fold of every non-null event, in order

        all.add(check(View.events(ORDERS)
                        .groupBy(Order::customerId, Serdes.String())
                        .count()
                        .materialize("events-count-by-customer"),
                m -> mapValues(groups(m.orderEvents, Order::customerId), events -> (long) events.size())));

        all.add(check(View.events(ORDERS)
                        .groupBy(ReferenceInputs::productKey, Serdes.String())
                        .aggregate(() -> 0L, (sum, o) -> sum + o.quantity(), Serdes.Long())
                        .materialize("events-sum-by-product"),
                m -> mapValues(groups(m.orderEvents, ReferenceInputs::productKey),
                        events -> events.stream().mapToLong(Order::quantity).sum())));

        all.add(check(View.events(ORDERS)
                        .mapValues(o -> new Qty(o.customerId(), o.quantity()), Json.serde(Qty.class))
                        .groupBy(Qty::customerId, Serdes.String())
                        .reduce((a, b) -> new Qty(a.customerId(), a.quantity() + b.quantity()))
                        .materialize("events-reduce-quantity-by-customer"),
                m -> {
                    Map<String, Qty> out = new HashMap<>();
                    groups(m.orderEvents, Order::customerId).forEach((cid, events) ->
                            out.put(cid, new Qty(cid, events.stream().mapToInt(Order::quantity).sum())));
                    return out;
                }));

        all.add(check(View.events(ORDERS)
                        .latestBy(Order::customerId, Serdes.String())
                        .materialize("events-latest-by-customer"),
                m -> mapValues(groups(m.orderEvents, Order::customerId), events -> events.get(events.size() - 1))));

        all.add(check(View.events(ORDERS)
                        .filter((id, o) -> o.quantity() > 0)
                        .groupBy(ReferenceInputs::productKey, Serdes.String())
                        .count()
                        .materialize("events-positive-count-by-product"),
                m -> mapValues(groups(m.orderEvents.stream().filter(o -> o.quantity() > 0).toList(),
                        ReferenceInputs::productKey), events -> (long) events.size())));

        // --- filter, mapValues, a topic read unchanged

        all.add(check(View.from(CUSTOMERS)
                        .filter((id, c) -> c.tier() >= 2)
                        .mapValues(c -> c.region() + "/" + c.tier(), Serdes.String())
                        .materialize("filter-map-customers"),
                m -> mapValues(filter(m.customers, (id, c) -> c.tier() >= 2), c -> c.region() + "/" + c.tier())));

        all.add(check(View.from(ORDERS)
                        .mapValues(Order::quantity, Serdes.Integer())
                        .filter((id, q) -> q != 0)
                        .materialize("map-filter-orders"),
                m -> filter(mapValues(m.orders, Order::quantity), (id, q) -> q != 0)));

        all.add(check(View.from(PRODUCTS).materialize("products-table"), m -> new HashMap<>(m.products)));
        // orders is also read as events, so in a shared kit this table is the stream's toTable()
        all.add(check(View.from(ORDERS).materialize("orders-table"), m -> new HashMap<>(m.orders)));

        // --- joins that read orders on both sides
        all.addAll(ReferenceSelfJoins.all());
        return all;
    }
}
