package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.DeadLetter;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new view that is its topic's table as it is loads the topic as a restore of the table, in bulk, rather than
 * processing it record by record; on a real broker, over three partitions. Every record is checked on the way
 * in as the table's source would check it: a bad one never becomes a row, and it is dead-lettered once, with
 * its coordinates, however often the table is restored again.
 */
class TableLoadIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Product(String name) {
    }

    record Sku(String id) {
    }

    private final List<ViewRuntime> runtimes = new CopyOnWriteArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private Topic<String, Product> products;
    private String applicationId;

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopic() {
        int run = RUN.incrementAndGet();
        products = Topic.of("loaded-products-" + run, Serdes.String(), Json.serde(Product.class));
        KAFKA.kafka().createTopic(products.name(), 3);
        applicationId = "table-load-" + run;
        producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeEverything() {
        runtimes.forEach(ViewRuntime::close);
        producer.close();
    }

    @Test
    void newTableView_loadsItsTopicAsARestore_keepsTheLatestGoodRows_deadLettersEachBadRecordOnce() {
        Map<String, Product> expected = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            String key = "p-" + (i % 200);   // a third of the keys updated: the latest value wins
            send(key, "{\"name\":\"n-" + i + "\"}");
            expected.put(key, new Product("n-" + i));
        }
        List<String> bad = new ArrayList<>();
        bad.add(coordinates(partitionOf("p-bad-json"), send("p-bad-json", "{not json")));
        bad.add(coordinates(2, send(products.name(), 2, null, "{\"name\":\"no key\"}")));
        send("p-7", "{\"name\":\"deleted\"}");
        send("p-7", null);
        expected.remove("p-7");
        ViewDefinition<String, Product> catalogue = View.from(products).materialize("catalogue");

        ViewRuntime first = start(catalogue);
        ReadOnlyView<String, Product> loaded = first.view(catalogue).awaitReady(PATIENCE);

        assertThat(rows(loaded)).isEqualTo(expected);
        // loaded by restoring the table from its topic, not by processing each record
        assertThat(loaded.status().restoredRecords()).isGreaterThanOrEqualTo(300);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(first.deadLetters()).containsEntry("catalogue", 2L));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(letters(first.deadLetterTopic(catalogue))).containsExactlyInAnyOrderElementsOf(bad));

        // after the load, records are processed as they arrive, and a bad one is a letter as before
        send("p-new", "{\"name\":\"new\"}");
        bad.add(coordinates(partitionOf("p-bad-later"), send("p-bad-later", "[")));
        expected.put("p-new", new Product("new"));
        await().atMost(PATIENCE).until(() -> loaded.get("p-new").isPresent());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(first.deadLetters()).containsEntry("catalogue", 3L));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(letters(first.deadLetterTopic(catalogue))).containsExactlyInAnyOrderElementsOf(bad));
        first.close();

        // an in-memory view restores its table again on every start: the same rows, and no letter written twice
        ViewRuntime second = start(catalogue);
        ReadOnlyView<String, Product> restored = second.view(catalogue).awaitReady(PATIENCE);
        assertThat(rows(restored)).isEqualTo(expected);
        assertThat(restored.status().restoredRecords()).isGreaterThanOrEqualTo(300);
        assertThat(second.deadLetters()).containsEntry("catalogue", 0L);
        assertThat(letters(second.deadLetterTopic(catalogue))).containsExactlyInAnyOrderElementsOf(bad);
    }

    @Test
    void loadedKeys_areStoredAsTheKeySerdeWritesThem_soAGetFindsThem() {
        Topic<Sku, Product> bySku = Topic.of("loaded-skus-" + RUN.incrementAndGet(), Json.serde(Sku.class),
                Json.serde(Product.class));
        KAFKA.kafka().createTopic(bySku.name(), 1);
        // the same key as the serde writes it, and spaced out: one row, under the key the serde writes
        send(bySku.name(), 0, "{\"id\":\"a\"}", "{\"name\":\"first\"}");
        send(bySku.name(), 0, "{ \"id\" : \"a\" }", "{\"name\":\"second\"}");
        send(bySku.name(), 0, "{ \"id\" : \"b\" }", "{\"name\":\"third\"}");
        ViewDefinition<Sku, Product> catalogue = View.from(bySku).materialize("sku-catalogue");

        ReadOnlyView<Sku, Product> view = start(catalogue).view(catalogue).awaitReady(PATIENCE);

        assertThat(view.status().restoredRecords()).isEqualTo(3);
        assertThat(view.get(new Sku("a"))).contains(new Product("second"));
        assertThat(view.get(new Sku("b"))).contains(new Product("third"));
        assertThat(view.approximateCount()).isEqualTo(2);
    }

    private Map<String, Product> rows(ReadOnlyView<String, Product> view) {
        try (var all = view.all()) {
            return all.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, TreeMap::new));
        }
    }

    private ViewRuntime start(ViewDefinition<?, ?> view) {
        ViewRuntime runtime = ViewRuntime.builder()
                .applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir)
                .view(view)
                .start();
        runtimes.add(runtime);
        return runtime;
    }

    /** Sends to the partition of the key, as every record of one key must be. */
    private long send(String key, String value) {
        return send(products.name(), partitionOf(key), key, value);
    }

    private static int partitionOf(String key) {
        return Math.floorMod(key.hashCode(), 3);
    }

    private long send(String topic, int partition, String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, partition, bytes(key), bytes(value))).get().offset();
        } catch (Exception e) {
            throw new AssertionError("Could not produce to " + topic, e);
        }
    }

    private String coordinates(int partition, long offset) {
        return products.name() + "-" + partition + "@" + offset;
    }

    /** @return the coordinates of every letter in a dead-letter topic, read to its end */
    private List<String> letters(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KAFKA.kafka().consumerConfig("letters-" + RUN.incrementAndGet()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> letters = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    DeadLetter letter = DeadLetter.of(record.headers(), record.key(), record.value());
                    letters.add(letter.sourceTopic() + "-" + letter.sourcePartition() + "@" + letter.sourceOffset());
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return letters;
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
