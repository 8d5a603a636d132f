package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStore;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import dev.unbundled.testkit.StoreUnderTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Views keep their rows decoded for reads (in memory, the rows themselves; on RocksDB, a cache in front of the
 * store): a repeated read answers the same object without decoding, and never an object of a row that has
 * since changed, through updates, deletes, reads racing writes and a restart. With the cache off, every read
 * decodes. The rocksdb-store module runs this class again on RocksDB.
 */
class ReadCacheIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Product(String name, int version) {
    }

    private final ViewStore store = StoreUnderTest.get();
    private final List<ViewRuntime> runtimes = new ArrayList<>();
    private Topic<String, Product> products;
    private ViewDefinition<String, Product> cached;
    private ViewDefinition<String, Product> uncached;
    private String applicationId;
    private KafkaProducer<String, Product> producer;

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopic() {
        int run = RUN.incrementAndGet();
        products = Topic.of("cached-products-" + run, Serdes.String(), Json.serde(Product.class));
        KAFKA.kafka().createTopic(products.name(), 3);
        cached = View.from(products).materialize("cached-" + run);
        uncached = View.from(products).filter((id, product) -> true).materialize("uncached-" + run).withReadCache(false);
        applicationId = "read-cache-" + run;
        producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(), new StringSerializer(),
                products.valueSerde().serializer());
    }

    @AfterEach
    void closeEverything() {
        runtimes.forEach(ViewRuntime::close);
        producer.close();
    }

    @Test
    void repeatedReads_answerTheSameObject_untilTheRowChanges_andNeverAStaleOne() throws Exception {
        Map<String, Product> expected = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            expected.put(key(i), send(key(i), new Product("n-" + i, 0)));
        }
        ViewRuntime runtime = start();
        ReadOnlyView<String, Product> view = runtime.view(cached);
        ReadOnlyView<String, Product> plain = runtime.view(uncached);
        awaitRows(view, expected);
        awaitRows(plain, expected);

        Product first = view.get("p-07").orElseThrow();
        assertThat(view.get("p-07")).containsSame(first);
        assertThat(plain.get("p-07").orElseThrow()).isEqualTo(first).isNotSameAs(plain.get("p-07").orElseThrow());
        if (store.readCacheBytes() == 0) {
            // in memory, a scan answers the very rows a get decoded
            try (Stream<Map.Entry<String, Product>> rows = view.range("p-07", "p-07")) {
                assertThat(rows.toList()).singleElement().satisfies(row -> assertThat(row.getValue()).isSameAs(first));
            }
        }

        expected.put("p-07", send("p-07", new Product("n-7", 1)));
        await().atMost(PATIENCE).until(() -> view.get("p-07").orElseThrow().version() == 1);
        send("p-08", null);
        view.get("p-08");
        expected.remove("p-08");
        await().atMost(PATIENCE).until(() -> view.get("p-08").isEmpty());

        hammer(view, expected);
        awaitRows(view, expected);
        expected.forEach((id, product) -> assertThat(view.get(id)).as(id).contains(product));

        runtime.close();
        ReadOnlyView<String, Product> restarted = start().view(cached);
        awaitRows(restarted, expected);
        expected.forEach((id, product) -> assertThat(restarted.get(id)).as(id).contains(product));
        assertThat(restarted.get("p-07")).containsSame(restarted.get("p-07").orElseThrow());
    }

    /**
     * Readers read five keys as fast as they can while each is written 200 times: whatever a read raced, once
     * the writes are in, every read answers the last of them.
     */
    private void hammer(ReadOnlyView<String, Product> view, Map<String, Product> expected) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Map<String, Integer> reads = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        for (int reader = 0; reader < 2; reader++) {
            readers.add(CompletableFuture.runAsync(() -> {
                while (writing.get()) {
                    for (int i = 10; i < 15; i++) {
                        view.get(key(i));
                        reads.merge(key(i), 1, Integer::sum);
                    }
                }
            }));
        }
        for (int version = 1; version <= 200; version++) {
            for (int i = 10; i < 15; i++) {
                expected.put(key(i), send(key(i), new Product("n-" + i, version)));
            }
        }
        producer.flush();
        await().atMost(PATIENCE).until(() -> view.get(key(14)).orElseThrow().version() == 200);
        writing.set(false);
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get();
        assertThat(reads).hasSize(5);
    }

    private static void awaitRows(ReadOnlyView<String, Product> view, Map<String, Product> expected) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<String, Product> rows = new TreeMap<>();
            try (Stream<Map.Entry<String, Product>> all = view.all()) {
                all.forEach(row -> rows.put(row.getKey(), row.getValue()));
            }
            assertThat(rows).isEqualTo(expected);
        });
    }

    private static String key(int i) {
        return String.format("p-%02d", i);
    }

    private Product send(String key, Product product) throws Exception {
        producer.send(new ProducerRecord<>(products.name(), key, product)).get();
        return product;
    }

    private ViewRuntime start() {
        ViewRuntime runtime = ViewRuntime.builder()
                .applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir)
                .defaultStore(store)
                .view(cached)
                .view(uncached)
                .start();
        runtimes.add(runtime);
        for (ViewDefinition<String, Product> definition : List.of(cached, uncached)) {
            runtime.view(definition).awaitReady(PATIENCE);
        }
        return runtime;
    }
}
