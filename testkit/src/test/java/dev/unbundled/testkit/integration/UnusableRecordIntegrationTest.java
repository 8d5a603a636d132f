package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.DeadLetter;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records no view can keep, on a real broker: a 2 MB record in an input topic that accepts it (the producer
 * of the views refuses anything over its max.request.size, 1 MiB by default), and null keys on a table
 * topic. Each is one dead letter with its coordinates, counted; no good record pays for it.
 */
class UnusableRecordIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final int TWO_MB = 2_000_000;
    /** Half the producer's default max.request.size: the most key and value bytes a dead letter keeps together. */
    private static final int LETTER_BYTES = 512 * 1024;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Order(String productId, int quantity) {
    }

    record Product(String name) {
    }

    record Note(String group, String text) {
    }

    private final List<ViewRuntime> runtimes = new CopyOnWriteArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private Topic<String, Order> orders;
    private Topic<String, Product> products;
    private Topic<String, Note> notes;
    private ViewDefinition<String, Order> ordersById;
    private String applicationId;

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopicsAndView() throws Exception {
        int run = RUN.incrementAndGet();
        EmbeddedKafka kafka = KAFKA.kafka();
        orders = Topic.of("big-orders-" + run, Serdes.String(), Json.serde(Order.class));
        products = Topic.of("big-products-" + run, Serdes.String(), Json.serde(Product.class));
        notes = Topic.of("big-notes-" + run, Serdes.String(), Json.serde(Note.class));
        // the input topics take records of up to 5 MB, as a topic someone raised the limit of would
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<String, String> large = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "5000000");
            admin.createTopics(List.of(new NewTopic(orders.name(), 1, (short) 1).configs(large),
                    new NewTopic(products.name(), 1, (short) 1).configs(large),
                    new NewTopic(notes.name(), 1, (short) 1).configs(large))).all().get();
        }
        ordersById = View.from(orders).materialize("orders-by-id");
        applicationId = "unusable-" + run;
        Map<String, Object> config = new HashMap<>(kafka.producerConfig());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 5_000_000);
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeEverything() {
        runtimes.forEach(ViewRuntime::close);
        producer.close();
    }

    @Test
    void twoMegabytePoisonRecord_isOneCutLetterWithItsOriginalSize_everyGoodRecordAfterItApplied() {
        ViewRuntime runtime = start(ordersById);
        ReadOnlyView<String, Order> view = runtime.view(ordersById).awaitReady(PATIENCE);
        byte[] poison = new byte[TWO_MB];
        Arrays.fill(poison, (byte) '[');
        send(orders.name(), "o-1", json(new Order("p-1", 1)));
        long poisonOffset = send(orders.name(), "o-big", poison);
        for (int i = 2; i <= 5; i++) {
            send(orders.name(), "o-" + i, json(new Order("p-1", i)));
        }

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(view.getAll(List.of("o-1", "o-2", "o-3", "o-4", "o-5")))
                .hasSize(5));
        List<DeadLetter> letters = readDeadLetters(runtime.deadLetterTopic(ordersById), 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.sourceTopic()).isEqualTo(orders.name());
            assertThat(letter.sourceOffset()).isEqualTo(poisonOffset);
            assertThat(letter.key()).isEqualTo(bytes("o-big"));
            assertThat(letter.value()).isEqualTo(Arrays.copyOf(poison, LETTER_BYTES - "o-big".length()));
            assertThat(letter.originalValueSize()).isEqualTo(TWO_MB);
            assertThat(letter.truncated()).isTrue();
        });
        assertThat(runtime.deadLetters()).containsEntry("orders-by-id", 1L);
        assertThat(view.status().state()).isEqualTo(ViewStatus.State.READY);
    }

    @Test
    void twoMegabyteValidRow_isALetterAndNotInTheView_goodRowsAroundItApplied_alsoAfterARestart() {
        ViewRuntime first = start(ordersById);
        ReadOnlyView<String, Order> before = first.view(ordersById).awaitReady(PATIENCE);
        send(orders.name(), "o-1", json(new Order("p-1", 1)));
        long bigOffset = send(orders.name(), "o-big", json(new Order("p".repeat(TWO_MB), 7)));
        send(orders.name(), "o-2", json(new Order("p-1", 2)));
        send(orders.name(), "o-3", json(new Order("p-1", 3)));

        await().atMost(PATIENCE).until(() -> before.get("o-3").isPresent());
        assertThat(before.get("o-big")).isEmpty();
        assertThat(before.getAll(List.of("o-1", "o-2"))).hasSize(2);
        assertThat(readDeadLetters(first.deadLetterTopic(ordersById), 1)).singleElement().satisfies(letter -> {
            assertThat(letter.sourceOffset()).isEqualTo(bigOffset);
            assertThat(letter.exceptionMessage()).startsWith("record too large").contains("max.request.size");
            assertThat(letter.originalValueSize()).isGreaterThan(TWO_MB);
        });
        assertThat(first.deadLetters()).containsEntry("orders-by-id", 1L);
        assertThat(before.status().state()).isEqualTo(ViewStatus.State.READY);
        first.close();

        // the in-memory view is rebuilt from its changelog, which never held the row
        ViewRuntime second = start(ordersById);
        ReadOnlyView<String, Order> after = second.view(ordersById).awaitReady(PATIENCE);
        try (var rows = after.all()) {
            assertThat(rows.map(Map.Entry::getKey).toList()).containsExactly("o-1", "o-2", "o-3");
        }
        send(orders.name(), "o-4", json(new Order("p-1", 4)));
        await().atMost(PATIENCE).until(() -> after.get("o-4").isPresent());
        assertThat(second.deadLetters()).containsEntry("orders-by-id", 0L);
    }

    @Test
    void rowTheViewMakesOverTheLimit_isALetter_nextRowsApplied_viewAgreesWithItsChangelogAfterARestart() {
        ViewDefinition<String, String> blownUp = View.from(orders)
                .mapValues(order -> order.quantity() == 99 ? "x".repeat(TWO_MB) : order.productId(), Serdes.String())
                .materialize("blown-up");
        ViewRuntime first = start(blownUp);
        ReadOnlyView<String, String> before = first.view(blownUp).awaitReady(PATIENCE);
        send(orders.name(), "o-1", json(new Order("p-1", 1)));
        long bigOffset = send(orders.name(), "o-1", json(new Order("p-1", 99)));
        send(orders.name(), "o-2", json(new Order("p-2", 2)));
        send(orders.name(), "o-3", json(new Order("p-3", 3)));

        await().atMost(PATIENCE).until(() -> before.get("o-3").isPresent());
        assertThat(before.getAll(List.of("o-1", "o-2", "o-3")))
                .containsExactly(Map.entry("o-1", "p-1"), Map.entry("o-2", "p-2"), Map.entry("o-3", "p-3"));
        assertThat(readDeadLetters(first.deadLetterTopic(blownUp), 1)).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("blown-up");
            assertThat(letter.sourceOffset()).isEqualTo(bigOffset);
            assertThat(letter.exceptionMessage()).startsWith("row too large");
        });
        assertThat(first.deadLetters()).containsEntry("blown-up", 1L);
        first.close();

        ViewRuntime second = start(blownUp);
        ReadOnlyView<String, String> after = second.view(blownUp).awaitReady(PATIENCE);
        assertThat(after.getAll(List.of("o-1", "o-2", "o-3")))
                .containsExactly(Map.entry("o-1", "p-1"), Map.entry("o-2", "p-2"), Map.entry("o-3", "p-3"));
    }

    @Test
    void internalRecordOverTheLimit_atLeastOnce_isALetterOfTheView_nextRecordApplied() {
        // a re-grouped update carries the row's old and new value in one repartition record: 2 x 600 KB here.
        // Under at-least-once the producer's refusal is answered with a letter; under exactly-once (the default)
        // a refused send aborts the transaction, and the runtime stops with the error (README, "Bad input")
        ViewDefinition<String, Long> perGroup = View.from(notes).groupBy(Note::group, Serdes.String()).count()
                .materialize("notes-per-group");
        ViewRuntime runtime = start(perGroup, Map.of("processing.guarantee", "at_least_once"));
        ReadOnlyView<String, Long> view = runtime.view(perGroup).awaitReady(PATIENCE);
        send(notes.name(), "n-1", json(new Note("g", "a".repeat(600_000))));
        long updateOffset = send(notes.name(), "n-1", json(new Note("g", "b".repeat(600_000))));
        send(notes.name(), "n-2", json(new Note("g", "small")));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(view.get("g")).contains(2L));
        assertThat(readDeadLetters(runtime.deadLetterTopic(perGroup), 1)).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("notes-per-group");
            assertThat(letter.sourceOffset()).isEqualTo(updateOffset);
            assertThat(letter.exceptionClass()).isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException");
            assertThat(letter.exceptionMessage()).startsWith("record too large to write");
        });
        assertThat(runtime.deadLetters()).containsEntry("notes-per-group", 1L);
        assertThat(view.status().state()).isEqualTo(ViewStatus.State.READY);
    }

    @Test
    void writeTheBrokerRefuses_stopsTheRuntime_theRecordsAfterItAreNoDeadLetters() {
        // the view's changelog refuses rows stamped over a minute ago: a write Kafka Streams reports at the next one.
        // (A view that is its topic's table as it is writes no changelog: its topic is its log.)
        ViewDefinition<String, String> productIds = View.from(orders).mapValues(Order::productId, Serdes.String())
                .materialize("product-ids");
        ViewRuntime runtime = start(productIds, Map.of("topic.message.timestamp.before.max.ms", 60_000));
        ReadOnlyView<String, String> view = runtime.view(productIds).awaitReady(PATIENCE);
        long anHourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try {
            producer.send(new ProducerRecord<>(orders.name(), 0, anHourAgo, bytes("o-old"), json(new Order("p-1", 1))))
                    .get();
        } catch (Exception e) {
            throw new AssertionError("Could not produce to " + orders.name(), e);
        }
        AtomicInteger next = new AtomicInteger();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            send(orders.name(), "o-" + next.incrementAndGet(), json(new Order("p-1", 2)));
            return view.status().state() == ViewStatus.State.ERROR || runtime.deadLetters().get("product-ids") > 0;
        });
        assertThat(runtime.deadLetters()).containsEntry("product-ids", 0L);
        assertThat(view.status().state()).isEqualTo(ViewStatus.State.ERROR);
    }

    @Test
    void nullKeysOnTableTopic_areLettersWithTheirCoordinates_counted_goodRowsAroundThemApplied() {
        ViewRuntime runtime = start(ordersById);
        ReadOnlyView<String, Order> view = runtime.view(ordersById).awaitReady(PATIENCE);
        send(orders.name(), "o-1", json(new Order("p-1", 1)));
        long first = send(orders.name(), null, json(new Order("p-1", 5)));
        long second = send(orders.name(), null, json(new Order("p-1", 6)));
        send(orders.name(), "o-2", json(new Order("p-1", 2)));

        await().atMost(PATIENCE).until(() -> view.get("o-2").isPresent());
        assertThat(view.get("o-1")).contains(new Order("p-1", 1));
        List<DeadLetter> letters = readDeadLetters(runtime.deadLetterTopic(ordersById), 2);
        assertThat(letters).extracting(DeadLetter::sourceOffset).containsExactly(first, second);
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.view()).isEqualTo("orders-by-id");
            assertThat(letter.sourceTopic()).isEqualTo(orders.name());
            assertThat(letter.exceptionMessage()).startsWith("null key: a table row needs a key");
            assertThat(letter.key()).isNull();
        });
        assertThat(letters.get(0).valueAsString()).isEqualTo(new String(json(new Order("p-1", 5)), StandardCharsets.UTF_8));
        assertThat(runtime.deadLetters()).containsEntry("orders-by-id", 2L);
    }

    @Test
    void nullKeyOnGlobalViewTopic_isALetter_globalViewKeepsRunning() {
        ViewDefinition<String, Product> catalogue = View.from(products).materialize("catalogue").global();
        ViewRuntime runtime = start(catalogue);
        ReadOnlyView<String, Product> view = runtime.view(catalogue).awaitReady(PATIENCE);
        long nullKey = send(products.name(), null, bytes("{\"name\":\"Nameless\"}"));
        send(products.name(), "p-1", bytes("{\"name\":\"Lamp\"}"));

        await().atMost(PATIENCE).until(() -> view.get("p-1").isPresent());
        assertThat(readDeadLetters(runtime.deadLetterTopic(catalogue), 1)).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("catalogue");
            assertThat(letter.sourceOffset()).isEqualTo(nullKey);
            assertThat(letter.exceptionMessage()).startsWith("null key: a table row needs a key");
        });
        assertThat(runtime.deadLetters()).containsEntry("catalogue", 1L);
    }

    private ViewRuntime start(ViewDefinition<?, ?> view) {
        return start(view, Map.of());
    }

    private ViewRuntime start(ViewDefinition<?, ?> view, Map<String, Object> properties) {
        ViewRuntime.Builder builder = ViewRuntime.builder();
        properties.forEach(builder::property);
        ViewRuntime runtime = builder
                .applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir)
                .view(view)
                .start();
        runtimes.add(runtime);
        return runtime;
    }

    private long send(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, 0, key == null ? null : bytes(key), value)).get().offset();
        } catch (Exception e) {
            throw new AssertionError("Could not produce to " + topic, e);
        }
    }

    private byte[] json(Order order) {
        return orders.valueSerde().serializer().serialize(orders.name(), order);
    }

    private byte[] json(Note note) {
        return notes.valueSerde().serializer().serialize(notes.name(), note);
    }

    private List<DeadLetter> readDeadLetters(String topic, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KAFKA.kafka().consumerConfig("dlq-reader-" + RUN.incrementAndGet()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
