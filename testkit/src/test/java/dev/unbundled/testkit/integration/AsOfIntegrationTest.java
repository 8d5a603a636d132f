package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.Freshness;
import dev.unbundled.History;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code getAsOf} through a {@link ViewRuntime} on a real broker, at timestamps the producer sets. */
class AsOfIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final int KEYS = 12;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Product(String name) {
    }

    private final List<ViewRuntime> runtimes = new ArrayList<>();
    private KafkaProducer<String, Product> producer;
    private Topic<String, Product> products;
    private ViewDefinition<String, Product> history;
    private ViewDefinition<String, Product> latestOnly;
    private String applicationId;
    /** An hour back, so that the broker accepts every timestamp (it rejects those far in the future). */
    private final Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopicAndViews() {
        int run = RUN.incrementAndGet();
        EmbeddedKafka kafka = KAFKA.kafka();
        products = Topic.of("asof-products-" + run, Serdes.String(), Json.serde(Product.class));
        kafka.createTopics(3, products.name());
        history = View.from(products).materialize("product-history", History.retain(Duration.ofDays(1)));
        latestOnly = View.from(products).filter((id, product) -> true).materialize("product-latest");
        applicationId = "asof-" + run;
        producer = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), products.valueSerde().serializer());
    }

    @AfterEach
    void closeEverything() {
        runtimes.forEach(ViewRuntime::close);
        producer.close();
    }

    private Instant at(int seconds) {
        return base.plusSeconds(seconds);
    }

    /**
     * Every key gets a first name at 0 s and a second at 10 s; even keys are deleted at 20 s. Keys are
     * spread over the topic's three partitions by the producer's default partitioner.
     */
    private Freshness writeVersions() throws ExecutionException, InterruptedException {
        List<RecordMetadata> sent = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            sent.add(send("k-" + i, new Product("Lamp " + i), at(0)));
            sent.add(send("k-" + i, new Product("Desk lamp " + i), at(10)));
            if (i % 2 == 0) {
                sent.add(send("k-" + i, null, at(20)));
            }
        }
        return Freshness.after(sent.toArray(RecordMetadata[]::new));
    }

    private RecordMetadata send(String key, Product value, Instant timestamp) throws ExecutionException, InterruptedException {
        return producer.send(new ProducerRecord<>(products.name(), null, timestamp.toEpochMilli(), key, value)).get();
    }

    private void assertVersions(ReadOnlyView<String, Product> view) {
        for (int i = 0; i < KEYS; i++) {
            String key = "k-" + i;
            assertThat(view.getAsOf(key, at(0).minusMillis(1))).as("%s before its first version", key).isEmpty();
            assertThat(view.getAsOf(key, at(5))).as("%s at 5 s", key).contains(new Product("Lamp " + i));
            assertThat(view.getAsOf(key, at(15))).as("%s at 15 s", key).contains(new Product("Desk lamp " + i));
            if (i % 2 == 0) {
                assertThat(view.getAsOf(key, at(25))).as("%s after its delete", key).isEmpty();
                assertThat(view.get(key)).as("%s now", key).isEmpty();
            } else {
                assertThat(view.getAsOf(key, at(25))).as("%s at 25 s", key).contains(new Product("Desk lamp " + i));
                assertThat(view.get(key)).as("%s now", key).contains(new Product("Desk lamp " + i));
            }
        }
    }

    @Test
    void getAsOf_throughRuntime_answersTheVersionValidAtEachProducerTimestamp() throws Exception {
        ViewRuntime runtime = start(stateDir.resolve("first"));
        ReadOnlyView<String, Product> view = runtime.view(history).awaitReady(PATIENCE);

        view.awaitFreshness(writeVersions(), PATIENCE);

        assertVersions(view);
        assertThat(view.approximateCount()).isEqualTo(KEYS / 2);
    }

    @Test
    void getAsOf_throughRuntime_onViewWithoutHistory_throwsUnsupportedNamingView() throws Exception {
        ViewRuntime runtime = start(stateDir.resolve("first"));
        ReadOnlyView<String, Product> view = runtime.view(latestOnly).awaitReady(PATIENCE);
        view.awaitFreshness(writeVersions(), PATIENCE);

        assertThatThrownBy(() -> view.getAsOf("k-1", at(5)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("product-latest")
                .hasMessageContaining("History.retain(");
        assertThat(view.get("k-1")).contains(new Product("Desk lamp 1"));
    }

    /** The first runtime commits its input offsets on close, so the second finds the history in its changelog. */
    @Test
    void getAsOf_afterRestartOnAnEmptyStateDirectory_restoresTheHistoryFromItsChangelog() throws Exception {
        ViewRuntime first = start(stateDir.resolve("first"));
        first.view(history).awaitReady(PATIENCE).awaitFreshness(writeVersions(), PATIENCE);
        first.close();

        ReadOnlyView<String, Product> restored = start(stateDir.resolve("second")).view(history).awaitReady(PATIENCE);

        assertVersions(restored);
    }

    private ViewRuntime start(Path directory) {
        ViewRuntime runtime = ViewRuntime.builder()
                .applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(directory)
                .view(history)
                .view(latestOnly)
                .start();
        runtimes.add(runtime);
        return runtime;
    }
}
