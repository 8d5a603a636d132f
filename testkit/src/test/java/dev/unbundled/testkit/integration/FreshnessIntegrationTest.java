package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Status, lag, awaitReady and read-your-writes on a real single-node KRaft broker. */
class FreshnessIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Order(String productId, int quantity) {
    }

    record Product(String name) {
    }

    record OrderNote(String product, int quantity) {
        OrderNote(Order order, Product product) {
            this(product.name(), order.quantity());
        }
    }

    private final List<ViewRuntime> runtimes = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private final List<Future<RecordMetadata>> inFlight = new ArrayList<>();
    private Topic<String, Order> orders;
    private Topic<String, Product> products;
    private ViewDefinition<String, Order> byId;
    private String applicationId;

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopicAndView() {
        int run = RUN.incrementAndGet();
        EmbeddedKafka kafka = KAFKA.kafka();
        orders = Topic.of("fresh-orders-" + run, Serdes.String(), Json.serde(Order.class));
        products = Topic.of("fresh-products-" + run, Serdes.String(), Json.serde(Product.class));
        kafka.createTopics(3, orders.name(), products.name());
        byId = View.from(orders).materialize("orders-by-id");
        applicationId = "freshness-" + run;
        Map<String, Object> config = kafka.producerConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(config);
    }

    @AfterEach
    void closeEverything() {
        runtimes.forEach(ViewRuntime::close);
        producer.close();
    }

    @Test
    void status_afterInputStops_lagFallsToZeroOnEveryPartition() {
        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);
        for (int i = 0; i < 3_000; i++) {
            sendAsync("o-" + i, new Order("p-" + i, i));
        }
        flushSent();

        await().atMost(PATIENCE).untilAsserted(() -> {
            ViewStatus status = view.status();
            assertThat(status.lag()).hasSize(3).allSatisfy((partition, lag) -> assertThat(lag).isZero());
            assertThat(status.totalLag()).isZero();
        });
        ViewStatus status = view.status();
        assertThat(status.state()).isEqualTo(ViewStatus.State.READY);
        assertThat(status.lastUpdate()).isPresent();
        assertThat(view.approximateCount()).isEqualTo(3_000);
    }

    @Test
    void get_keysWrittenToExplicitPartitions_areFoundWhereverTheyLive() {
        for (int i = 0; i < 30; i++) {
            inFlight.add(producer.send(record(orders.name(), i % 3, "o-" + i, new Order("p-" + i, i))));
        }
        flushSent();

        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);

        for (int i = 0; i < 30; i++) {
            assertThat(view.get("o-" + i)).contains(new Order("p-" + i, i));
        }
        assertThat(view.get("o-absent")).isEmpty();
    }

    @Test
    void awaitReady_freshRuntimeOverPrefilledTopic_returnsOnlyAfterEveryRecordIsInTheView() {
        int records = 20_000;
        for (int i = 0; i < records; i++) {
            sendAsync("o-" + i, new Order("p-" + i, i));
        }
        flushSent();

        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);

        assertThat(view.approximateCount()).isEqualTo(records);
        assertThat(view.get("o-" + (records - 1))).contains(new Order("p-" + (records - 1), records - 1));
        assertThat(view.status().totalLag()).isZero();
    }

    @Test
    void awaitReady_foreignKeyJoinOverPrefilledTopics_returnsOnlyAfterEveryNoteIsInTheView() {
        int productCount = 50;
        int orderCount = 5_000;
        for (int i = 0; i < productCount; i++) {
            inFlight.add(producer.send(record(products, null, "p-" + i, new Product("name-" + i))));
        }
        for (int i = 0; i < orderCount; i++) {
            sendAsync("o-" + i, new Order("p-" + (i % productCount), i));
        }
        flushSent();
        ViewDefinition<String, OrderNote> notes = View.from(orders)
                .join(View.from(products), Order::productId, OrderNote::new)
                .materialize("order-notes", Json.serde(OrderNote.class));
        ViewDefinition<String, Long> perProduct = View.from(orders)
                .groupBy(Order::productId, Serdes.String())
                .count()
                .materialize("orders-per-product");

        ViewRuntime runtime = start(notes, perProduct);
        ReadOnlyView<String, OrderNote> noteView = runtime.view(notes).awaitReady(PATIENCE);
        ReadOnlyView<String, Long> countView = runtime.view(perProduct).awaitReady(PATIENCE);

        // both legs of the foreign-key join, and the grouping's repartition topic, were crossed before the return
        assertThat(noteView.approximateCount()).isEqualTo(orderCount);
        assertThat(noteView.get("o-" + (orderCount - 1)))
                .contains(new OrderNote("name-" + ((orderCount - 1) % productCount), orderCount - 1));
        try (var counts = countView.all()) {
            assertThat(counts.mapToLong(Map.Entry::getValue).sum()).isEqualTo(orderCount);
        }
        assertThat(countView.get("p-0")).contains((long) orderCount / productCount);
    }

    @Test
    void get_withFreshnessToken_foreignKeyJoin_seesEveryRenameOfTheProduct() throws Exception {
        ViewDefinition<String, OrderNote> notes = View.from(orders)
                .join(View.from(products), Order::productId, OrderNote::new)
                .materialize("order-notes", Json.serde(OrderNote.class));
        ReadOnlyView<String, OrderNote> view = start(notes).view(notes).awaitReady(PATIENCE);
        RecordMetadata stocked = producer.send(record(products, null, "p-1", new Product("first"))).get();
        RecordMetadata ordered = producer.send(record(orders.name(), null, "o-1", new Order("p-1", 1))).get();
        // a token covers the writes it names: the note needs both the product and the order
        assertThat(view.get("o-1", Freshness.after(stocked, ordered)))
                .contains(new OrderNote("first", 1));

        int renames = 50;
        long[] delays = new long[renames];
        for (int i = 0; i < renames; i++) {
            long sentAt = System.nanoTime();
            RecordMetadata renamed = producer.send(record(products, null, "p-1", new Product("name-" + i))).get();

            assertThat(view.get("o-1", Freshness.after(renamed))).as("rename %d read with its token", i)
                    .contains(new OrderNote("name-" + i, 1));
            delays[i] = System.nanoTime() - sentAt;
        }
        Arrays.sort(delays);
        System.out.printf("read-your-writes through a foreign-key join over %d renames: send-to-visible p50 %.2f ms,"
                + " p99 %.2f ms%n", renames, delays[renames / 2] / 1e6, delays[renames * 99 / 100] / 1e6);
    }

    @Test
    void awaitReady_recordsDeletedByRetention_returnsWithoutWaitingForThem() throws Exception {
        for (int i = 0; i < 100; i++) {
            inFlight.add(producer.send(record(orders.name(), 0, "o-" + i, new Order("p-" + i, i))));
        }
        flushSent();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.kafka().bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(orders.name(), 0), RecordsToDelete.beforeOffset(100)))
                    .all().get(30, TimeUnit.SECONDS);
        }

        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(Duration.ofSeconds(30));

        assertThat(view.approximateCount()).isZero();
        assertThat(view.status().totalLag()).isZero();
    }

    @Test
    void awaitReady_viewStuckBehindItsInput_timesOutNamingPartitionsAndLag() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ViewDefinition<String, Order> stuck = View.from(orders)
                .filter((id, order) -> !order.productId().equals("p-stuck") || awaitQuietly(release))
                .materialize("stuck-orders");
        ViewRuntime runtime = start(stuck);
        ReadOnlyView<String, Order> view = runtime.view(stuck).awaitReady(PATIENCE);
        try {
            producer.send(record(orders.name(), 0, "o-1", new Order("p-stuck", 1))).get();
            producer.send(record(orders.name(), 0, "o-2", new Order("p-2", 2))).get();

            assertThatThrownBy(() -> view.awaitReady(Duration.ofMillis(500)))
                    .isInstanceOf(ViewNotReadyException.class)
                    .hasMessageContaining("stuck-orders")
                    .hasMessageContaining(orders.name() + "-0")
                    .hasMessageContaining("lag 2");
        } finally {
            release.countDown();
        }
        assertThat(view.awaitReady(PATIENCE).get("o-2")).contains(new Order("p-2", 2));
    }

    @Test
    void get_withFreshnessToken_seesEveryWrite_plainGetMayMiss() throws Exception {
        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);
        int writes = 1_000;
        int plainMisses = 0;
        long[] delays = new long[writes];
        for (int i = 0; i < writes; i++) {
            String key = "w-" + i;
            Order order = new Order("p-" + i, i);
            long sentAt = System.nanoTime();
            RecordMetadata sent = producer.send(record(orders.name(), null, key, order)).get();
            if (!view.get(key).equals(Optional.of(order))) {
                plainMisses++;
            }

            assertThat(view.get(key, Freshness.after(sent))).as("write %d read with its token", i).contains(order);
            delays[i] = System.nanoTime() - sentAt;
        }
        Arrays.sort(delays);
        System.out.printf("read-your-writes over %d writes: plain get right after send missed %d times;"
                        + " send-to-visible p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", writes, plainMisses,
                delays[writes / 2] / 1e6, delays[writes * 99 / 100] / 1e6, delays[writes - 1] / 1e6);
    }

    @Test
    void awaitFreshness_positionNeverWritten_timesOutNamingThePosition() {
        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);

        assertThatThrownBy(() -> view.awaitFreshness(Freshness.after(orders.name(), 1, 1_000_000), Duration.ofMillis(300)))
                .isInstanceOf(ViewNotReadyException.class)
                .hasMessageContaining("orders-by-id")
                .hasMessageContaining(orders.name() + "-1")
                .hasMessageContaining("needs 1000001");
    }

    @Test
    void awaitFreshness_topicTheViewDoesNotRead_failsNamingViewAndTopic() {
        ReadOnlyView<String, Order> view = start(byId).view(byId);

        assertThatThrownBy(() -> view.awaitFreshness(Freshness.after("elsewhere", 0, 1), PATIENCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-id").hasMessageContaining("elsewhere");
    }

    @Test
    void status_lagPartitions_areTheInputPartitions() {
        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(view.status().lag().keySet()).containsExactly(
                new TopicPartition(orders.name(), 0), new TopicPartition(orders.name(), 1),
                new TopicPartition(orders.name(), 2)));
    }

    @Test
    void subscribe_onRuntime_deliversEveryWriteOnceOffTheStreamThreads() {
        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);
        Map<String, Order> received = new ConcurrentHashMap<>();
        AtomicInteger changes = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (Subscription subscription = view.subscribe(change -> {
            received.put(change.key(), change.newValue().orElseThrow());
            changes.incrementAndGet();
            threads.add(Thread.currentThread().getName());
        })) {
            for (int i = 0; i < 500; i++) {
                sendAsync("o-" + i, new Order("p-" + i, i));
            }
            flushSent();

            await().atMost(PATIENCE).until(() -> changes.get() >= 500);
            assertThat(subscription.delivered()).isEqualTo(500);
        }
        assertThat(received).hasSize(500).containsEntry("o-499", new Order("p-499", 499));
        assertThat(threads).allSatisfy(name -> assertThat(name).doesNotContain("StreamThread"));
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ViewRuntime start(ViewDefinition<?, ?>... views) {
        ViewRuntime.Builder builder = ViewRuntime.builder()
                .applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir);
        for (ViewDefinition<?, ?> view : views) {
            builder.view(view);
        }
        ViewRuntime runtime = builder.start();
        runtimes.add(runtime);
        return runtime;
    }

    private void sendAsync(String key, Order order) {
        inFlight.add(producer.send(record(orders.name(), null, key, order)));
    }

    /** Waits for every record sent so far, failing if the broker refused one: a lost send is not a lost row. */
    private void flushSent() {
        producer.flush();
        inFlight.forEach(sent -> assertThat(sent).succeedsWithin(Duration.ofSeconds(1)));
        inFlight.clear();
    }

    private ProducerRecord<byte[], byte[]> record(Topic<String, Product> topic, Integer partition, String key,
                                                  Product product) {
        return new ProducerRecord<>(topic.name(), partition, key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(topic.name(), product));
    }

    private ProducerRecord<byte[], byte[]> record(String topic, Integer partition, String key, Order order) {
        return new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8),
                orders.valueSerde().serializer().serialize(topic, order));
    }
}
