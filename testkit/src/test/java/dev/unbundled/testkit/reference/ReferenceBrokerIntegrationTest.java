package dev.unbundled.testkit.reference;

import static dev.unbundled.testkit.reference.ReferenceInputs.EVERY_KEY;
import static dev.unbundled.testkit.reference.ReferenceInputs.ORDERS;
import static dev.unbundled.testkit.reference.ReferenceInputs.PRODUCTS;
import static dev.unbundled.testkit.reference.ReferenceInputs.TOPICS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.reference.ReferenceInputs.Line;
import dev.unbundled.testkit.reference.ReferenceInputs.Model;
import dev.unbundled.testkit.reference.ReferenceInputs.Op;
import dev.unbundled.testkit.reference.ReferenceInputs.Order;
import dev.unbundled.testkit.reference.ReferenceInputs.OrderNote;
import dev.unbundled.testkit.reference.ReferenceInputs.Product;
import dev.unbundled.testkit.reference.ReferenceViews.ViewCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ReferenceEvaluatorTest}'s contract on a real broker: input topics of {@value #PARTITIONS} partitions,
 * a real {@link ViewRuntime} running views of {@link ReferenceViews} that cover every operator and shape
 * ({@link #BROKER_VIEWS}, self-joins included) and, in a second runtime, lookups of a global view. Each seed
 * produces a few hundred random ops, records of the four topics interleaved, keys inserted, updated and deleted
 * again and again, and often written twice or three times back to back ({@link ReferenceInputs#burst}), faster
 * than the views can answer; then every view must converge on its reference over the latest value per key, read
 * with {@code all()} and with {@code get} for every key, absent keys included. A view that does not is replayed
 * on the test driver with the same ops, and the failure says whether the driver agrees with the reference.
 *
 * <p>The seeds run one after the other on the same topics and runtimes: each continues from the inputs the
 * one before left, so the views also see long histories (event aggregations fold every seed's events).
 *
 * <p>Two views are checked as their semantics on partitioned topics allow: {@code lookup} enriches a row when
 * it arrives, with the global view as it is then, which races with the global view's own thread; so each
 * seed ends by writing every order again once the global view has caught up, after which the lookups equal
 * the foreign-key join over the latest values. And {@code latestBy} keeps the event that arrived last, but
 * events of one group from different partitions have no order: it must hold, per group, the last event of one
 * of the partitions that had events of that group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceBrokerIntegrationTest {
    static final int PARTITIONS = 3;
    static final int OPS_PER_SEED = 300;
    static final int BURST_PERCENT = 25;
    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final String LATEST_BY = "events-latest-by-customer";

    /**
     * The views of {@link ReferenceViews} run on the broker: every operator and shape of the reference, within
     * CI's budget (each view is a Kafka Streams application of its own). {@code -Dunbundled.reference.allViews=true}
     * runs all of them.
     */
    static final Set<String> BROKER_VIEWS = Set.of(
            // combinations: filter + FK join + re-key + aggregate; join + mapValues + left join of a count;
            // filtered, mapped event sum; FK left join + reduce; an event count joined; an FK join into an
            // aggregation of its own topic; re-key of a re-key; re-key + same-key join
            "combo-first-line-sales-by-category", "combo-join-map-left-join-standing",
            "combo-events-positive-quantity-by-customer", "combo-quantity-by-region", "combo-customer-event-count",
            "combo-order-with-product-popularity", "combo-rekey-of-rekey", "combo-first-line-per-customer",
            // same-key joins, inner and left, counted
            "join-then-count-per-region", "left-join-filtered-sides",
            // foreign-key joins, inner (with history), into a filtered table, left
            "fk-join-order-product", "fk-join-cheap-product", "fk-left-join-order-product",
            // re-key, table count / reduce / aggregate, event count / reduce / sum / latest
            "rekey-order-by-customer", "count-orders-by-customer", "reduce-quantity-by-customer",
            "aggregate-quantity-by-product", "events-count-by-customer", "events-reduce-quantity-by-customer",
            "events-sum-by-product", LATEST_BY,
            // filter, mapValues
            "filter-map-customers", "map-filter-orders",
            // orders read on both sides of a join
            "self-join-orders", "self-join-open-with-product", "self-join-count-by-customer",
            "self-left-join-open-quantity-by-customer", "self-join-thrice", "fk-self-join-parent",
            "fk-self-left-join-parent");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    static Path stateDir;

    /** The latest value per key of every topic over every seed so far. */
    private final Model model = new Model();
    /** Every order event produced, by the partition it went to, in order. */
    private final Map<Integer, List<Order>> orderEventsByPartition = new TreeMap<>();
    /** Every op produced, over every seed so far. */
    private final List<Op> produced = new ArrayList<>();

    private final ViewDefinition<String, Product> globalProducts =
            View.from(PRODUCTS).materialize("products-global").global();
    private List<ViewCheck<?>> checks;
    private List<ViewCheck<?>> lookups;
    private ViewRuntime runtime;
    private ViewRuntime lookupRuntime;
    private KafkaProducer<byte[], byte[]> producer;

    static LongStream seeds() {
        return LongStream.of(0xB20_0001L, 0xB20_0002L, 0xB20_0003L);
    }

    @BeforeAll
    void start() {
        KAFKA.kafka().createTopics(PARTITIONS, TOPICS.stream().map(Topic::name).toArray(String[]::new));
        checks = ReferenceViews.all().stream()
                .filter(c -> Boolean.getBoolean("unbundled.reference.allViews") || BROKER_VIEWS.contains(c.name()))
                .toList();
        assertThat(checks.stream().map(ViewCheck::name)).as("views of the reference").containsAll(BROKER_VIEWS);
        lookups = lookups(globalProducts);
        runtime = start("reference-broker", checks);
        // A topic is read either globally or partitioned within one runtime (README): the lookups run apart.
        lookupRuntime = start("reference-broker-lookups", lookups);
        Map<String, Object> config = KAFKA.kafka().producerConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private ViewRuntime start(String applicationId, List<ViewCheck<?>> views) {
        ViewRuntime.Builder builder = ViewRuntime.builder()
                .applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir.resolve(applicationId))
                .defaultStore(StoreUnderTest.get());
        views.forEach(check -> builder.view(check.definition()));
        return builder.start().awaitReady(PATIENCE);
    }

    @AfterAll
    void close() {
        Stream.of(lookupRuntime, runtime).filter(r -> r != null).forEach(ViewRuntime::close);
        if (producer != null) {
            producer.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void view_randomInterleavedOpsOnThreePartitions_equalsReferenceOnceCaughtUp(long seed) {
        List<Op> ops = ReferenceInputs.generate(seed, OPS_PER_SEED, model, BURST_PERCENT);
        produce(ops, new Random(~seed));

        // the lookups read the global view as it is when an order arrives: write every order again once it
        // has caught up, so that each row is enriched with the latest product
        awaitEqual(seed, ops, List.of(ReferenceViews.check(globalProducts, m -> new HashMap<>(m.products))),
                lookupRuntime);
        List<Op> touches = model.orders.entrySet().stream().map(e -> Op.of(ORDERS, e.getKey(), e.getValue())).toList();
        touches.forEach(model::apply);
        produce(touches, new Random(seed));
        List<Op> all = new ArrayList<>(ops);
        all.addAll(touches);

        awaitEqual(seed, all, checks.stream().filter(c -> !c.name().equals(LATEST_BY)).toList(), runtime);
        awaitEqual(seed, all, lookups, lookupRuntime);
        assertLatestByHoldsALastEventPerGroup();
        for (ViewRuntime each : List.of(runtime, lookupRuntime)) {
            assertThat(each.deadLetters()).as("dead letters of valid input").allSatisfy((view, n) -> assertThat(n).isZero());
        }
    }

    /** Lookups of the global products view; their references hold once every order was written after it caught up. */
    static List<ViewCheck<?>> lookups(ViewDefinition<String, Product> products) {
        return List.of(
                ReferenceViews.check(View.from(ORDERS)
                                .lookup(products, Order::productId, (Order o, Product p) ->
                                        new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()))
                                .materialize("lookup-order-product", Json.serde(OrderNote.class)),
                        m -> {
                            Map<String, OrderNote> out = new HashMap<>();
                            m.orders.forEach((id, o) -> {
                                Product p = o.productId() == null ? null : m.products.get(o.productId());
                                if (p != null) {
                                    out.put(id, new OrderNote(o.customerId(), p.category(), o.quantity(), p.price()));
                                }
                            });
                            return out;
                        }),
                // a lookup under a filter, counted: a row that moves to a missing product leaves its group
                ReferenceViews.check(View.from(ORDERS)
                                .filter((id, o) -> o.quantity() > 0)
                                .lookup(products, Order::productId, ReferenceInputs::line)
                                .withValueSerde(Json.serde(Line.class))
                                .groupBy(Line::category, Serdes.String())
                                .aggregate(() -> 0L, (sum, l) -> sum + l.amount(), (sum, l) -> sum - l.amount(), Serdes.Long())
                                .materialize("lookup-sales-by-category"),
                        m -> ReferenceViews.mapValues(ReferenceViews.groups(ReferenceViews.positiveLines(m), Line::category),
                                lines -> lines.stream().mapToLong(Line::amount).sum())));
    }

    /** Produces the ops in order, flushing after chunks of random size so that the views work between chunks. */
    private void produce(List<Op> ops, Random random) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        int flushAt = 1 + random.nextInt(40);
        for (Op op : ops) {
            sent.add(producer.send(op.record()));
            if (--flushAt == 0) {
                producer.flush();
                flushAt = 1 + random.nextInt(40);
            }
        }
        producer.flush();
        produced.addAll(ops);
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op.topic().name().equals(ORDERS.name()) && op.value() != null) {
                orderEventsByPartition.computeIfAbsent(partition(sent.get(i)), p -> new ArrayList<>()).add((Order) op.value());
            }
        }
    }

    private static int partition(Future<RecordMetadata> sent) {
        try {
            return sent.get().partition();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("an input record was not written", e.getCause());
        }
    }

    /** Waits until every view equals its reference, read whole and key by key; else fails with what differed. */
    private void awaitEqual(long seed, List<Op> ops, List<ViewCheck<?>> views, ViewRuntime in) {
        in.awaitReady(PATIENCE);
        AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> {
                last.set(mismatches(views, in));
                return last.get().isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            StringBuilder out = new StringBuilder(String.format("%nseed %d: %d of %d views still differ from their"
                    + " reference after %s:%n", seed, last.get().size(), views.size(), PATIENCE));
            last.get().forEach((view, mismatch) -> out.append(String.format("%n--- %s:%s%s%n", view, mismatch,
                    onTestDriver(views.stream().filter(c -> c.name().equals(view)).findFirst().orElseThrow()))));
            out.append(String.format("%nOps of this seed:%n")).append(ReferenceEvaluatorTest.history(ops));
            fail(out.toString());
        }
    }

    /** @return what the test driver says of the view, replayed alone with every op produced so far */
    private String onTestDriver(ViewCheck<?> check) {
        if (!checks.contains(check)) {
            return ""; // lookups and global views: their references hold on the broker only once caught up
        }
        ReferenceKits.Failure failure = ReferenceKits.run(produced, List.of(List.of(check)));
        return failure == null
                ? String.format("%nOn the test driver the same %d ops (every seed so far) give the reference after every"
                        + " op: the difference comes from partitions, timing or the runtime.", produced.size())
                : String.format("%nOn the test driver the same ops differ too, first after op #%d of %d:%s",
                        failure.step(), produced.size(), failure.message());
    }

    private Map<String, String> mismatches(List<ViewCheck<?>> views, ViewRuntime in) {
        Map<String, String> out = new TreeMap<>();
        for (ViewCheck<?> check : views) {
            String mismatch = mismatch(check, in);
            if (mismatch != null) {
                out.put(check.name(), mismatch);
            }
        }
        return out;
    }

    private <V> String mismatch(ViewCheck<V> check, ViewRuntime in) {
        try {
            return check.mismatch(in.view(check.definition()), model, true);
        } catch (ViewException notReady) {
            return notReady.getMessage();
        }
    }

    /** Per customer: the last event of one of the partitions that had events of that customer. */
    private void assertLatestByHoldsALastEventPerGroup() {
        @SuppressWarnings("unchecked")
        ViewDefinition<String, Order> definition = (ViewDefinition<String, Order>) checks.stream()
                .filter(c -> c.name().equals(LATEST_BY)).findFirst().orElseThrow().definition();
        Map<String, Set<Order>> candidates = new TreeMap<>();
        orderEventsByPartition.values().forEach(events -> ReferenceViews.groups(events, Order::customerId)
                .forEach((customer, ofCustomer) -> candidates.computeIfAbsent(customer, c -> new HashSet<>())
                        .add(ofCustomer.get(ofCustomer.size() - 1))));
        ReadOnlyView<String, Order> view = runtime.view(definition);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Order> rows;
            try (Stream<Map.Entry<String, Order>> all = view.all()) {
                rows = all.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            }
            assertThat(rows.keySet()).as(LATEST_BY).isEqualTo(candidates.keySet());
            rows.forEach((customer, latest) -> assertThat(candidates.get(customer)).as(LATEST_BY + " of " + customer)
                    .contains(latest));
            for (String key : EVERY_KEY) {
                assertThat(view.get(key)).as(LATEST_BY + ".get(" + key + ")").isEqualTo(Optional.ofNullable(rows.get(key)));
            }
        });
    }
}
