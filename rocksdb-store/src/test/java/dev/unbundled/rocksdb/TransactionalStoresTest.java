package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStore;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Views with Kafka Streams' transactional state stores on ({@code enable.transactional.statestores=true}):
 * writes wait in a transaction buffer until the task commits. A clean restart still resumes without
 * restoring, and reads see a write as soon as the view has applied it, before its commit: read-your-writes
 * holds, whatever isolation Kafka Streams' own interactive queries are set to.
 */
class TransactionalStoresTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int ITEMS = 3_000;
    /** Far longer than a read-your-writes wait, so that the reads below come before the task commits. */
    private static final int COMMIT_INTERVAL_MS = 20_000;
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;

    @Test
    void restart_cleanWithTransactionalStores_resumesWithoutRestoring() {
        int run = RUN.incrementAndGet();
        Topic<String, String> items = Topic.of("tx-items-" + run, Serdes.String(), Serdes.String());
        KAFKA.kafka().createTopic(items.name(), 3);
        ViewDefinition<String, String> catalogue = View.from(items).materialize("catalogue").withStore(RocksDb.store());
        Catalogue.fill(KAFKA.kafka(), items.name(), 0, ITEMS);
        Map<String, String> before;
        try (ViewRuntime first = transactional("tx-restart-" + run, catalogue).start()) {
            ReadOnlyView<String, String> view = first.view(catalogue).awaitReady(PATIENCE);
            await().atMost(PATIENCE).until(() -> view.approximateCount() == ITEMS
                    && view.get(Catalogue.key(ITEMS - 1)).isPresent());
            before = snapshot(view);
        }
        Catalogue.fill(KAFKA.kafka(), items.name(), ITEMS, ITEMS + 1);

        try (ViewRuntime second = transactional("tx-restart-" + run, catalogue).start()) {
            ReadOnlyView<String, String> view = second.view(catalogue).awaitReady(PATIENCE);
            await().atMost(PATIENCE).until(() -> view.get(Catalogue.key(ITEMS)).isPresent());

            assertThat(view.status().restoredRecords()).as("records restored after a clean restart").isZero();
            Map<String, String> expected = new TreeMap<>(before);
            expected.put(Catalogue.key(ITEMS), Catalogue.value(ITEMS));
            assertThat(snapshot(view)).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rocksdb", "memory"})
    void get_afterReadYourWritesWaitWithTransactionalStores_seesTheWriteBeforeItsCommit(String store)
            throws Exception {
        int run = RUN.incrementAndGet();
        Topic<String, String> items = Topic.of("tx-reads-" + run, Serdes.String(), Serdes.String());
        KAFKA.kafka().createTopic(items.name(), 2);
        ViewDefinition<String, String> catalogue = View.from(items).materialize("catalogue")
                .withStore("rocksdb".equals(store) ? RocksDb.store() : ViewStore.inMemory());
        ViewRuntime.Builder builder = transactional("tx-reads-" + run, catalogue)
                .property(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS)
                .property(StreamsConfig.producerPrefix("transaction.timeout.ms"), 3 * COMMIT_INTERVAL_MS)
                // Kafka Streams' own queries would then skip writes not yet committed; a view's reads do not
                .property(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_COMMITTED");
        try (ViewRuntime runtime = builder.start();
             KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                     new StringSerializer(), new StringSerializer())) {
            ReadOnlyView<String, String> view = runtime.view(catalogue).awaitReady(PATIENCE);
            long started = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(items.name(), Catalogue.key(i),
                        Catalogue.value(i))).get(30, TimeUnit.SECONDS);
                view.awaitFreshness(Freshness.after(sent), Duration.ofSeconds(10));

                assertThat(view.get(Catalogue.key(i))).as("item %d right after the view applied it", i)
                        .contains(Catalogue.value(i));
            }
            assertThat(System.nanoTime() - started).as("the five writes and reads took less than one commit interval")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(COMMIT_INTERVAL_MS));
        }
    }

    private ViewRuntime.Builder transactional(String applicationId, ViewDefinition<?, ?> view) {
        return ViewRuntime.builder().applicationId(applicationId).bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir).view(view).property(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
    }

    private static Map<String, String> snapshot(ReadOnlyView<String, String> view) {
        try (var all = view.all()) {
            return all.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> {
                throw new AssertionError("view 'catalogue' answered a key twice in one scan");
            }, TreeMap::new));
        }
    }
}
