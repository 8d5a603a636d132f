package dev.unbundled.testkit.reference;

import dev.unbundled.Topic;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.ViewTestKit;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The inputs of {@link ReferenceEvaluatorTest}: four small-keyed topics, the random operations piped
 * into them, and the model the reference evaluator reads: the latest value per key of every topic.
 */
final class ReferenceInputs {
    private ReferenceInputs() {
    }

    // ---------------------------------------------------------------- domain

    /** A component that may be null (a missing foreign key, a left join without a partner); Json requires the rest. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
    @interface Nullable {
    }

    record Customer(String region, int tier) {
    }

    record Account(long balance) {
    }

    record Order(String customerId, @Nullable String productId, int quantity) {
    }

    record Product(String category, int price) {
    }

    /** An order line priced through its product. */
    record Line(String customerId, String category, long amount) {
    }

    record CustomerLine(String region, int tier, Line line) {
    }

    record RegionQty(String region, int quantity) {
    }

    record CustomerAccount(String region, int tier, @Nullable Long balance) {
    }

    record OrderNote(String customerId, @Nullable String category, int quantity, @Nullable Integer price) {
    }

    record OrderRegion(String region, int quantity) {
    }

    record Qty(String customerId, int quantity) {
    }

    record CustomerStats(String region, @Nullable Long quantity) {
    }

    record OrderPopularity(String productKey, int quantity, long ordersOfProduct) {
    }

    record OrderPair(int quantity, @Nullable Integer positiveQuantity) {
    }

    /** A customer's balance weighted by tier, and the number of its orders (null where it has none). */
    record Standing(String region, long weightedBalance, @Nullable Long orders) {
    }

    static final Topic<String, Customer> CUSTOMERS = Topic.of("customers", Serdes.String(), Json.serde(Customer.class));
    static final Topic<String, Account> ACCOUNTS = Topic.of("accounts", Serdes.String(), Json.serde(Account.class));
    static final Topic<String, Order> ORDERS = Topic.of("orders", Serdes.String(), Json.serde(Order.class));
    static final Topic<String, Product> PRODUCTS = Topic.of("products", Serdes.String(), Json.serde(Product.class));
    static final List<Topic<String, ?>> TOPICS = List.of(CUSTOMERS, ACCOUNTS, ORDERS, PRODUCTS);

    // Small key spaces so that collisions, moves and deletes are frequent. The non-ASCII keys make UTF-8
    // byte order differ from String.compareTo order ("o\uFF21" < "o\uD83D\uDE00" in UTF-8, not in UTF-16)
    // and from signed byte order ("o~" < "o\u00e9" unsigned, not signed): they test the re-key tie rule.
    static final List<String> CUSTOMER_KEYS = List.of("c0", "c1", "c2", "c3", "c\u00e9");
    static final List<String> CUSTOMER_REFS = List.of("c0", "c1", "c2", "c3", "c\u00e9", "c9"); // c9 never exists
    static final List<String> ACCOUNT_KEYS = List.of("c0", "c1", "c2", "c3", "c\u00e9", "c5"); // c5: no customer
    static final List<String> ORDER_KEYS = List.of("o0", "o1", "o2", "o3", "o4", "o5", "o~", "o\u00e9",
            "o\uFF21", "o\uD83D\uDE00");
    static final List<String> PRODUCT_KEYS = List.of("p0", "p1", "p2", "p3", "p4");
    static final List<String> PRODUCT_REFS = Arrays.asList("p0", "p1", "p2", "p3", "p4", "p9", null); // p9 never exists
    static final List<String> REGIONS = List.of("north", "south", "east");
    static final List<String> CATEGORIES = List.of("a", "b", "c");

    /** Every key a view of this test can hold, and some it never holds. */
    static final List<String> EVERY_KEY = Stream.of(CUSTOMER_REFS, ACCOUNT_KEYS, ORDER_KEYS, PRODUCT_KEYS,
                    List.of("p9", "none", "unknown"), REGIONS, CATEGORIES)
            .flatMap(List::stream).distinct().toList();

    static String productKey(Order order) {
        return order.productId() == null ? "none" : order.productId();
    }

    static Line line(Order order, Product product) {
        return new Line(order.customerId(), product.category(), (long) order.quantity() * product.price());
    }

    // ---------------------------------------------------------------- the model the reference reads

    /** The latest value per key of every topic, and every non-null order event in arrival order. */
    static final class Model {
        final Map<String, Customer> customers = new TreeMap<>();
        final Map<String, Account> accounts = new TreeMap<>();
        final Map<String, Order> orders = new TreeMap<>();
        final Map<String, Product> products = new TreeMap<>();
        final List<Order> orderEvents = new ArrayList<>();

        @SuppressWarnings("unchecked")
        <V> Map<String, V> table(Topic<String, V> topic) {
            return (Map<String, V>) switch (topic.name()) {
                case "customers" -> customers;
                case "accounts" -> accounts;
                case "orders" -> orders;
                case "products" -> products;
                default -> throw new IllegalArgumentException(topic.name());
            };
        }

        void apply(Op op) {
            Map<String, Object> table = table(op.topic());
            if (op.value() == null) {
                table.remove(op.key());
            } else {
                table.put(op.key(), op.value());
                if (op.topic().name().equals(ORDERS.name())) {
                    orderEvents.add((Order) op.value());
                }
            }
        }
    }

    /** One record piped into a topic; a null value is a tombstone. */
    record Op(Topic<String, Object> topic, String key, Object value) {
        @SuppressWarnings("unchecked")
        static Op of(Topic<String, ?> topic, String key, Object value) {
            return new Op((Topic<String, Object>) topic, key, value);
        }

        /** @return the op as a record of its topic, serialised with the topic's serdes; partitioned by its key */
        ProducerRecord<byte[], byte[]> record() {
            return new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                    value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value));
        }

        void pipe(ViewTestKit kit, Instant timestamp) {
            if (value == null) {
                kit.input(topic).delete(key, timestamp);
            } else {
                kit.input(topic).pipe(key, value, timestamp);
            }
        }

        /** @return the operation as the Java line that replays it */
        @Override
        public String toString() {
            String input = "kit.input(" + topic.name().toUpperCase(Locale.ROOT) + ")";
            return value == null ? input + ".delete(" + literal(key) + ");"
                    : input + ".pipe(" + literal(key) + ", " + javaNew(value) + ");";
        }
    }

    static String literal(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            out.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return out.append('"').toString();
    }

    static String javaNew(Object value) {
        if (value instanceof Customer c) {
            return "new Customer(" + literal(c.region()) + ", " + c.tier() + ")";
        } else if (value instanceof Account a) {
            return "new Account(" + a.balance() + ")";
        } else if (value instanceof Order o) {
            return "new Order(" + literal(o.customerId()) + ", " + literal(o.productId()) + ", " + o.quantity() + ")";
        } else {
            Product p = (Product) value;
            return "new Product(" + literal(p.category()) + ", " + p.price() + ")";
        }
    }

    // ---------------------------------------------------------------- random operations

    static List<Op> generate(long seed, int count) {
        return generate(seed, count, new Model(), 0);
    }

    /**
     * Generates {@code count} random ops that continue from {@code model}, applying each to it. With a
     * {@code burstPercent} above 0, that share of the inserts and updates is written again at once, before a
     * view can have answered the first write (see {@link #burst}).
     */
    static List<Op> generate(long seed, int count, Model model, int burstPercent) {
        Random random = new Random(seed);
        List<Op> ops = new ArrayList<>(count);
        while (ops.size() < count) {
            Op op = nextOp(random, model);
            List<Op> next = burstPercent > 0 && op.value() != null && random.nextInt(100) < burstPercent
                    ? burst(random, op) : List.of(op);
            for (Op each : next.subList(0, Math.min(next.size(), count - ops.size()))) {
                model.apply(each);
                ops.add(each);
            }
        }
        return ops;
    }

    /**
     * An insert or update followed at once by more writes of its key: the same value again, an order with the
     * same foreign keys and another quantity (twice), or a delete and the value again. Issue 11's stale row: an
     * order moved to a missing product and updated again with the same foreign key before the join's answer
     * to the move came back kept its old joined row for good.
     */
    static List<Op> burst(Random random, Op op) {
        Object same = op.value();
        Object other = same instanceof Order o ? new Order(o.customerId(), o.productId(), random.nextInt(6) - 1) : same;
        return switch (random.nextInt(3)) {
            case 0 -> List.of(op, Op.of(op.topic(), op.key(), same));
            case 1 -> List.of(op, Op.of(op.topic(), op.key(), other), Op.of(op.topic(), op.key(), same));
            default -> List.of(op, Op.of(op.topic(), op.key(), null), Op.of(op.topic(), op.key(), same));
        };
    }

    static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    static Op nextOp(Random random, Model model) {
        int topic = random.nextInt(100);
        if (topic < 45) {
            String key = pick(random, ORDER_KEYS);
            Order old = model.orders.get(key);
            if (random.nextInt(100) < 22) {
                return Op.of(ORDERS, key, null);
            }
            if (old != null && random.nextInt(100) < 60) { // change one field: FK moves, group moves, same value
                return Op.of(ORDERS, key, switch (random.nextInt(4)) {
                    case 0 -> new Order(pick(random, CUSTOMER_REFS), old.productId(), old.quantity());
                    case 1 -> new Order(old.customerId(), pick(random, PRODUCT_REFS), old.quantity());
                    case 2 -> new Order(old.customerId(), old.productId(), random.nextInt(6) - 1);
                    default -> old;
                });
            }
            return Op.of(ORDERS, key, new Order(pick(random, CUSTOMER_REFS), pick(random, PRODUCT_REFS),
                    random.nextInt(6) - 1));
        } else if (topic < 65) {
            String key = pick(random, PRODUCT_KEYS);
            Product old = model.products.get(key);
            if (random.nextInt(100) < 25) {
                return Op.of(PRODUCTS, key, null);
            }
            if (old != null && random.nextInt(100) < 50) {
                return Op.of(PRODUCTS, key, random.nextBoolean() ? new Product(pick(random, CATEGORIES), old.price())
                        : new Product(old.category(), random.nextInt(10)));
            }
            return Op.of(PRODUCTS, key, new Product(pick(random, CATEGORIES), random.nextInt(10)));
        } else if (topic < 85) {
            String key = pick(random, CUSTOMER_KEYS);
            Customer old = model.customers.get(key);
            if (random.nextInt(100) < 25) {
                return Op.of(CUSTOMERS, key, null);
            }
            if (old != null && random.nextInt(100) < 50) {
                return Op.of(CUSTOMERS, key, random.nextBoolean() ? new Customer(pick(random, REGIONS), old.tier())
                        : new Customer(old.region(), random.nextInt(4)));
            }
            return Op.of(CUSTOMERS, key, new Customer(pick(random, REGIONS), random.nextInt(4)));
        } else {
            String key = pick(random, ACCOUNT_KEYS);
            if (random.nextInt(100) < 25) {
                return Op.of(ACCOUNTS, key, null);
            }
            return Op.of(ACCOUNTS, key, new Account(random.nextInt(151) - 50));
        }
    }
}
