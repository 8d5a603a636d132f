package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.DeadLetter;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The runtime on a real single-node KRaft broker: real topics, real consumer groups, real restarts. */
class ViewRuntimeIntegrationTest {
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

    private final List<ViewRuntime> runtimes = new CopyOnWriteArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private Topic<String, Order> orders;
    private Topic<String, Product> products;
    private ViewDefinition<String, OrderNote> notes;
    private String applicationId;

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopicsAndView() {
        int run = RUN.incrementAndGet();
        EmbeddedKafka kafka = KAFKA.kafka();
        orders = Topic.of("orders-" + run, Serdes.String(), Json.serde(Order.class));
        products = Topic.of("products-" + run, Serdes.String(), Json.serde(Product.class));
        kafka.createTopics(3, orders.name(), products.name());
        notes = View.from(orders)
                .join(View.from(products), Order::productId, OrderNote::new)
                .materialize("order-notes", Json.serde(OrderNote.class));
        applicationId = "integration-" + run;
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @AfterEach
    void closeEverything() {
        runtimes.forEach(ViewRuntime::close);
        producer.close();
    }

    @Test
    void orderNotes_productRenamed_everyNoteChanges() {
        ReadOnlyView<String, OrderNote> view = start().view(notes).awaitReady(PATIENCE);
        send(products, "p-1", new Product("Lamp"));
        send(orders, "o-1", new Order("p-1", 2));
        send(orders, "o-2", new Order("p-1", 3));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(view.getAll(List.of("o-1", "o-2")))
                .containsExactly(Map.entry("o-1", new OrderNote("Lamp", 2)), Map.entry("o-2", new OrderNote("Lamp", 3))));

        send(products, "p-1", new Product("Desk lamp"));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(view.getAll(List.of("o-1", "o-2")))
                .containsExactly(Map.entry("o-1", new OrderNote("Desk lamp", 2)),
                        Map.entry("o-2", new OrderNote("Desk lamp", 3))));
        assertThat(view.status().state()).isEqualTo(ViewStatus.State.READY);
    }

    @Test
    void poisonRecord_goesToDeadLetterTopicWithCoordinates_goodRecordsStillArrive() throws Exception {
        ViewRuntime runtime = start();
        ReadOnlyView<String, OrderNote> view = runtime.view(notes).awaitReady(PATIENCE);
        send(products, "p-1", new Product("Lamp"));
        long poisonOffset = producer.send(new ProducerRecord<>(orders.name(), 0, bytes("o-bad"), bytes("{not json")))
                .get().offset();
        send(orders, "o-1", new Order("p-1", 1));

        await().atMost(PATIENCE).until(() -> view.get("o-1").isPresent());
        List<DeadLetter> letters = readDeadLetters(runtime.deadLetterTopic(notes), 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("order-notes");
            assertThat(letter.sourceTopic()).isEqualTo(orders.name());
            assertThat(letter.sourcePartition()).isZero();
            assertThat(letter.sourceOffset()).isEqualTo(poisonOffset);
            assertThat(letter.exceptionClass()).isEqualTo("org.apache.kafka.common.errors.SerializationException");
            assertThat(letter.valueAsString()).isEqualTo("{not json");
        });
        assertThat(runtime.deadLetters()).containsEntry("order-notes", 1L);
        assertThat(runtime.deadLetterTopic(notes)).isEqualTo(applicationId + ".order-notes.dlq");
    }

    @Test
    void poisonRecord_inGlobalViewTopic_goesToDeadLetterTopic_globalViewKeepsRunning() throws Exception {
        ViewDefinition<String, Product> catalogue = View.from(products).materialize("catalogue").global();
        ViewRuntime runtime = start(catalogue);
        ReadOnlyView<String, Product> view = runtime.view(catalogue).awaitReady(PATIENCE);
        long poisonOffset = producer.send(new ProducerRecord<>(products.name(), 1, bytes("p-bad"), bytes("[oops")))
                .get().offset();
        send(products, "p-1", new Product("Lamp"));

        await().atMost(PATIENCE).until(() -> view.get("p-1").isPresent());
        assertThat(readDeadLetters(runtime.deadLetterTopic(catalogue), 1)).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("catalogue");
            assertThat(letter.sourceTopic()).isEqualTo(products.name());
            assertThat(letter.sourcePartition()).isEqualTo(1);
            assertThat(letter.sourceOffset()).isEqualTo(poisonOffset);
        });
        assertThat(runtime.deadLetters()).containsEntry("catalogue", 1L);
        assertThat(view.status().state()).isEqualTo(ViewStatus.State.READY);
    }

    @Test
    void restart_sameApplicationAndStateDir_resumesFromCommittedPositions() {
        ViewRuntime first = start();
        ReadOnlyView<String, OrderNote> before = first.view(notes).awaitReady(PATIENCE);
        send(products, "p-1", new Product("Lamp"));
        producerSend(orders.name(), "o-bad", "{not json");
        send(orders, "o-1", new Order("p-1", 1));
        await().atMost(PATIENCE).until(() -> before.get("o-1").isPresent());
        first.close();
        send(orders, "o-2", new Order("p-1", 2));

        ViewRuntime second = start();
        ReadOnlyView<String, OrderNote> after = second.view(notes).awaitReady(PATIENCE);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(after.getAll(List.of("o-1", "o-2"))).containsExactly(
                Map.entry("o-1", new OrderNote("Lamp", 1)), Map.entry("o-2", new OrderNote("Lamp", 2))));
        // the poison record was consumed before the restart: a runtime that started over would meet it again
        assertThat(second.deadLetters()).containsEntry("order-notes", 0L);
    }

    @Test
    void restart_poisonRecordInTableTopic_restoredViewKeepsTheEarlierRowAndReadsCleanly() throws Exception {
        ViewDefinition<String, Product> catalogue = View.from(products).materialize("catalogue");
        ViewRuntime first = start(catalogue);
        ReadOnlyView<String, Product> before = first.view(catalogue).awaitReady(PATIENCE);
        producer.send(new ProducerRecord<>(products.name(), 0, bytes("p-1"), bytes("{\"name\":\"Lamp\"}"))).get();
        producer.send(new ProducerRecord<>(products.name(), 0, bytes("p-1"), bytes("{not json"))).get();
        producer.send(new ProducerRecord<>(products.name(), 0, bytes("p-2"), bytes("{\"name\":\"Desk\"}"))).get();
        await().atMost(PATIENCE).until(() -> before.get("p-2").isPresent());
        assertThat(before.get("p-1")).contains(new Product("Lamp"));
        first.close();

        // an in-memory view is rebuilt on start: from a log that also holds the poison record
        ViewRuntime second = start(catalogue);
        ReadOnlyView<String, Product> after = second.view(catalogue).awaitReady(PATIENCE);

        assertThat(after.get("p-1")).contains(new Product("Lamp"));
        try (var rows = after.all()) {
            assertThat(rows).containsExactly(Map.entry("p-1", new Product("Lamp")), Map.entry("p-2", new Product("Desk")));
        }
        assertThat(after.status().restoredRecords()).isPositive();
    }

    @Test
    void status_whileRestoring_saysRestoringWithProgress_readsAreRefusedNamingIt() {
        int records = 2_000;
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(products.name(), 0, bytes("p-" + i), bytes("{\"name\":\"n-" + i + "\"}")));
        }
        producer.flush();
        ViewDefinition<String, Product> catalogue = View.from(products).materialize("catalogue");
        // one record per changelog batch, so that the next start restores one batch per fetch
        ViewRuntime first = start(ViewRuntime.builder().property("producer.batch.size", 1), catalogue);
        ReadOnlyView<String, Product> filled = first.view(catalogue).awaitReady(PATIENCE);
        await().atMost(PATIENCE).until(() -> filled.approximateCount() == records);
        first.close();

        ViewRuntime second = start(ViewRuntime.builder().property("restore.consumer.fetch.max.bytes", 1)
                .property("restore.consumer.max.partition.fetch.bytes", 1), catalogue);
        ReadOnlyView<String, Product> view = second.view(catalogue);
        List<ViewStatus> restoring = new CopyOnWriteArrayList<>();
        List<ViewNotReadyException> refused = new CopyOnWriteArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(1)).until(() -> {
            ViewStatus status = view.status();
            if (status.state() == ViewStatus.State.RESTORING) {
                restoring.add(status);
                try {
                    view.get("p-1");
                } catch (ViewNotReadyException e) {
                    refused.add(e);
                }
            }
            return status.isReady();
        });

        assertThat(restoring).isNotEmpty().allSatisfy(status -> assertThat(status.restoring()).hasValueSatisfying(
                progress -> assertThat(progress.restored()).isBetween(0L, progress.total())));
        assertThat(restoring).anySatisfy(status -> assertThat(status.restoring().orElseThrow().restored())
                .isLessThan(records));
        // the total is the changelog's offsets: 2,000 records, plus a transaction marker per commit under exactly-once
        assertThat(refused).isNotEmpty().allSatisfy(e -> assertThat(e.getMessage())
                .contains("'catalogue' is RESTORING version " + catalogue.fingerprint() + " (").containsPattern(" of 2,0\\d\\d records\\)"));
        assertThat(restoring).allSatisfy(status -> assertThat(status.restoring().orElseThrow().total())
                .isBetween((long) records, records + 100L));
        assertThat(view.get("p-1")).contains(new Product("n-1"));
        assertThat(view.status().restoring()).isEmpty();
    }

    @Test
    void scans_overThreePartitions_returnEveryRowOnceInKeyOrder() {
        ViewDefinition<String, Order> byId = View.from(orders).materialize("orders-by-id");
        ReadOnlyView<String, Order> view = start(byId).view(byId).awaitReady(PATIENCE);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            keys.add(String.format("o-%03d", i));
            send(orders, keys.get(i), new Order("p-1", i));
        }
        await().atMost(PATIENCE).until(() -> view.getAll(keys).size() == keys.size());

        try (var all = view.all(); var range = view.range("o-010", "o-039"); var prefix = view.prefixScan("o-05")) {
            assertThat(all.map(Map.Entry::getKey)).containsExactlyElementsOf(keys);
            assertThat(range.map(Map.Entry::getKey)).containsExactlyElementsOf(keys.subList(10, 40));
            assertThat(prefix.map(Map.Entry::getKey)).containsExactlyElementsOf(keys.subList(50, 60));
        }
    }

    @Test
    void view_afterClose_failsNamingTheView() {
        ViewRuntime runtime = start();
        ReadOnlyView<String, OrderNote> view = runtime.view(notes);
        runtime.close();

        assertThat(view.status().state()).isEqualTo(ViewStatus.State.CLOSED);
        assertThatThrownBy(() -> view.get("o-1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("order-notes").hasMessageContaining("closed");
        assertThatThrownBy(() -> runtime.view(notes)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void view_notRegistered_failsNamingTheView() {
        ViewRuntime runtime = start();
        ViewDefinition<String, Order> other = View.from(orders).materialize("all-orders");

        assertThatThrownBy(() -> runtime.view(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("all-orders").hasMessageContaining("builder.view");
    }

    @Test
    void runtimeMethods_nullDefinition_throwNullPointerNamingIt() {
        ViewRuntime runtime = start();

        assertThatThrownBy(() -> runtime.view(null)).isInstanceOf(NullPointerException.class).hasMessage("definition");
        assertThatThrownBy(() -> runtime.deadLetterTopic(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("definition");
    }

    @Test
    void start_inputTopicMissing_failsNamingTopicAndView() {
        Topic<String, Order> missing = Topic.of("no-such-topic", Serdes.String(), Json.serde(Order.class));
        ViewDefinition<String, Order> view = View.from(missing).materialize("orphan");

        assertThatThrownBy(() -> ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir).view(view).start())
                .isInstanceOf(ViewException.class)
                .hasMessageContaining("no-such-topic").hasMessageContaining("orphan");
    }

    @Test
    void start_inputTopicCreatedWhileStarting_waitsForItAndRuns() throws Exception {
        // a topic just created is known to the controller a moment before the broker lists it
        Topic<String, Order> late = Topic.of("late-" + applicationId, Serdes.String(), Json.serde(Order.class));
        ViewDefinition<String, Order> view = View.from(late).materialize("late-orders");
        CompletableFuture<ViewRuntime> starting = CompletableFuture.supplyAsync(() -> start(view));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !starting.isDone());

        KAFKA.kafka().createTopics(1, late.name());
        send(late, "o-1", new Order("p-1", 1));

        ReadOnlyView<String, Order> orders = starting.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).view(view)
                .awaitReady(PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(orders.get("o-1")).contains(new Order("p-1", 1)));
    }

    @Test
    void start_failsAfterTheQueryServerStarted_releasesItsPort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ViewDefinition<String, Order> byId = View.from(orders).materialize("orders-by-id");

        assertThatThrownBy(() -> ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir)
                .advertise("localhost", port).property("num.stream.threads", "many").view(byId).start())
                .hasMessageContaining("num.stream.threads");

        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void get_beforeReady_answersOrRefusesWithViewNotReady_neverAStoreException() {
        for (int i = 0; i < 50; i++) {
            send(orders, "o-" + i, new Order("p-1", i));
        }
        ViewRuntime runtime = start();
        ReadOnlyView<String, OrderNote> view = runtime.view(notes);
        List<Throwable> refusals = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            try {
                view.get("o-1");
                return true;
            } catch (RuntimeException e) {
                refusals.add(e);
                return false;
            }
        });
        assertThat(refusals).allSatisfy(e -> assertThat(e).isInstanceOf(ViewNotReadyException.class)
                .hasMessageContaining("order-notes"));
    }

    private ViewRuntime start() {
        return start(notes);
    }

    private ViewRuntime start(ViewDefinition<?, ?> view) {
        return start(ViewRuntime.builder(), view);
    }

    private ViewRuntime start(ViewRuntime.Builder builder, ViewDefinition<?, ?> view) {
        ViewRuntime runtime = builder
                .applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir)
                .view(view)
                .start();
        runtimes.add(runtime);
        return runtime;
    }

    private <V> void send(Topic<String, V> topic, String key, V value) {
        producerSend(topic.name(), key, new String(topic.valueSerde().serializer().serialize(topic.name(), value),
                StandardCharsets.UTF_8));
    }

    private void producerSend(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, bytes(key), bytes(value))).get();
        } catch (Exception e) {
            throw new AssertionError("Could not produce to " + topic, e);
        }
    }

    private List<DeadLetter> readDeadLetters(String topic, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + RUN.incrementAndGet(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            List<DeadLetter> letters = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(DeadLetter.of(r.headers(), r.key(), r.value()));
                }
                return letters.size() >= expected;
            });
            return letters;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
