package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadListener;
import dev.unbundled.ReadListener.Kind;
import dev.unbundled.ReadListener.Outcome;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a runtime tells metrics: every read with its kind and outcome, updates applied, subscriptions dropped. */
class RuntimeMetricsIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Heard(String view, Kind kind, Outcome outcome, long nanos) {
    }

    private final List<Heard> heard = new CopyOnWriteArrayList<>();
    private final ReadListener listener = (view, kind, outcome, nanos) -> heard.add(new Heard(view, kind, outcome, nanos));
    private Topic<String, String> names;
    private ViewDefinition<String, String> upper;
    private ViewRuntime runtime;
    private KafkaProducer<String, String> producer;

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopic() {
        int run = RUN.incrementAndGet();
        names = Topic.of("metrics-names-" + run, Serdes.String(), Serdes.String());
        KAFKA.kafka().createTopics(2, names.name());
        upper = View.from(names).mapValues(String::toUpperCase, Serdes.String()).materialize("upper-" + run);
        producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(), Serdes.String().serializer(),
                Serdes.String().serializer());
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        producer.close();
    }

    @Test
    void readListener_everyKindOfRead_isHeardWithItsKindAndOutcome() throws Exception {
        runtime = start(ViewRuntime.builder().readListener(listener));
        ReadOnlyView<String, String> view = runtime.view(upper);
        assertThatThrownBy(() -> view.get("n-1")).isInstanceOf(ViewNotReadyException.class);
        view.awaitReady(PATIENCE);
        send("n-1", "ada");
        send("n-2", "bob");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(runtime.view(upper).local().get("n-2")).contains("BOB"));
        heard.clear();

        view.get("n-1");
        view.read("n-2");
        view.getAll(List.of("n-1", "n-2"));
        try (Stream<Map.Entry<String, String>> rows = view.range("n-1", "n-2")) {
            assertThat(rows).hasSize(2);
        }
        try (Stream<Map.Entry<String, String>> rows = view.all()) {
            assertThat(rows).hasSize(2);
        }
        try (Stream<Map.Entry<String, String>> rows = view.prefixScan("n-")) {
            assertThat(rows).hasSize(2);
        }
        view.page(1);
        view.approximateCount();

        assertThat(heard).extracting(Heard::kind).containsExactly(Kind.GET, Kind.READ, Kind.GET_ALL, Kind.RANGE,
                Kind.ALL, Kind.PREFIX_SCAN, Kind.PAGE, Kind.COUNT);
        assertThat(heard).allSatisfy(read -> {
            assertThat(read.view()).isEqualTo(upper.name());
            assertThat(read.outcome()).isEqualTo(Outcome.LOCAL);
            assertThat(read.nanos()).isPositive();
        });
    }

    @Test
    void readListener_readBeforeTheViewIsReady_isHeardAsNotReady() {
        runtime = start(ViewRuntime.builder().readListener(listener));

        // joining the consumer group takes seconds: right after start the view cannot answer
        assertThatThrownBy(() -> runtime.view(upper).get("n-1")).isInstanceOf(ViewNotReadyException.class);

        assertThat(heard).singleElement().satisfies(read -> {
            assertThat(read.kind()).isEqualTo(Kind.GET);
            assertThat(read.outcome()).isEqualTo(Outcome.NOT_READY);
        });
    }

    @Test
    void readListener_routedView_keyReadsLocalAndScansRouted() throws Exception {
        runtime = start(ViewRuntime.builder().readListener(listener).advertise("127.0.0.1", 0));
        ReadOnlyView<String, String> view = runtime.view(upper).awaitReady(PATIENCE);
        send("n-1", "ada");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(view.local().get("n-1")).contains("ADA"));
        heard.clear();

        view.get("n-1");
        try (Stream<Map.Entry<String, String>> rows = view.all()) {
            assertThat(rows).hasSize(1);
        }

        assertThat(heard).extracting(Heard::kind, Heard::outcome)
                .containsExactly(tuple(Kind.GET, Outcome.LOCAL),
                        tuple(Kind.ALL, Outcome.ROUTED));
    }

    @Test
    void updatesApplied_insertsAnUpdateAndADelete_countsEachUpdate() throws Exception {
        runtime = start(ViewRuntime.builder());
        ReadOnlyView<String, String> view = runtime.view(upper).awaitReady(PATIENCE);

        send("n-1", "ada");
        send("n-2", "bob");
        send("n-1", "ada lovelace");
        send("n-2", null);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(runtime.updatesApplied()).containsEntry(upper.name(), 4L));
        assertThat(view.get("n-1")).contains("ADA LOVELACE");
        assertThat(runtime.subscriptionsDropped()).containsEntry(upper.name(), 0L);
    }

    @Test
    void subscriptionsDropped_listenerThatCannotKeepUp_isCounted() throws Exception {
        runtime = start(ViewRuntime.builder());
        ReadOnlyView<String, String> view = runtime.view(upper).awaitReady(PATIENCE);
        CountDownLatch release = new CountDownLatch(1);
        Subscription slow = view.subscribe(change -> awaitQuietly(release), 1);

        for (int i = 0; i < 5; i++) {
            send("n-" + i, "name " + i);
        }

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(runtime.subscriptionsDropped())
                .containsEntry(upper.name(), 1L));
        release.countDown();
        assertThat(slow.isActive()).isFalse();
    }

    /** A listener that does not return until released: its subscription's buffer fills up. */
    private static void awaitQuietly(CountDownLatch release) {
        try {
            release.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(names.name(), key, value)).get();
    }

    private ViewRuntime start(ViewRuntime.Builder builder) {
        return builder.applicationId("metrics-" + upper.name()).bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir).view(upper).start();
    }
}
