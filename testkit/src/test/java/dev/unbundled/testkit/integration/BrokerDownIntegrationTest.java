package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.testkit.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A running view whose broker goes away: local reads keep answering, status() and waits keep to their own
 * time bounds and say that the brokers cannot be reached. A start against brokers that cannot be reached
 * fails in bounded time, naming them. The broker here is this class's own, closed by the first test setup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerDownIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** status() waits at most 2 s for Kafka; a loaded machine gets some slack on top. */
    private static final Duration STATUS_BOUND = Duration.ofMillis(3_500);
    private static final int KEYS = 20;

    private final Topic<String, String> words = Topic.of("words", Serdes.String(), Serdes.String());
    private final ViewDefinition<String, String> byId = View.from(words).materialize("words-by-id");
    private EmbeddedKafka kafka;
    private String bootstrapServers;
    private ViewRuntime runtime;
    private ReadOnlyView<String, String> view;
    private Path stateDir;

    @BeforeAll
    void startAViewThenStopItsBroker() throws Exception {
        kafka = EmbeddedKafka.start();
        bootstrapServers = kafka.bootstrapServers();
        kafka.createTopic(words.name(), 2);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerConfig(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < KEYS; i++) {
                producer.send(new ProducerRecord<>(words.name(), key(i), "word " + i));
            }
            producer.flush();
        }
        stateDir = Files.createTempDirectory("broker-down");
        // closing a runtime whose brokers are gone waits for its clients' timeouts: short ones keep the test short
        runtime = ViewRuntime.builder().applicationId("broker-down").bootstrapServers(bootstrapServers)
                .stateDir(stateDir).view(byId).property("producer.max.block.ms", 2_000)
                .property("consumer.default.api.timeout.ms", 2_000).property("consumer.request.timeout.ms", 2_000)
                .start();
        view = runtime.view(byId).awaitReady(PATIENCE);
        await().atMost(PATIENCE).until(() -> view.approximateCount() == KEYS);
        assertThat(view.status().state()).isEqualTo(ViewStatus.State.READY);

        kafka.close();
    }

    @AfterAll
    void closeTheRuntime() throws IOException {
        if (runtime != null) {
            runtime.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (stateDir != null) {
            Utils.delete(stateDir.toFile());
        }
    }

    private static String key(int i) {
        return String.format("w-%02d", i);
    }

    @Test
    void localReads_brokerDown_keepAnsweringFromTheLocalStores() {
        assertThat(view.get(key(3))).contains("word 3");
        assertThat(view.get("w-404")).isEmpty();
        assertThat(view.getAll(List.of(key(1), key(2)))).containsOnlyKeys(key(1), key(2));
        try (Stream<Map.Entry<String, String>> range = view.range(key(5), key(9));
             Stream<Map.Entry<String, String>> all = view.all()) {
            assertThat(range.map(Map.Entry::getKey).toList())
                    .isEqualTo(IntStream.rangeClosed(5, 9).mapToObj(BrokerDownIntegrationTest::key).toList());
            assertThat(all.count()).isEqualTo(KEYS);
        }
        assertThat(view.page(7).entries()).hasSize(7);
    }

    @Test
    void status_brokerDown_answersWithinItsBoundAndSaysUnreachableWithUnknownLag() {
        AtomicLong slowest = new AtomicLong();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> timedStatus(slowest).state() == ViewStatus.State.UNREACHABLE);

        ViewStatus status = timedStatus(slowest);

        assertThat(status.state()).isEqualTo(ViewStatus.State.UNREACHABLE);
        assertThat(status.isReady()).isFalse();
        assertThat(status.lag()).as("the lag is unknown, not 0").isEmpty();
        assertThat(Duration.ofNanos(slowest.get())).as("the slowest status() call").isLessThan(STATUS_BOUND);
    }

    private ViewStatus timedStatus(AtomicLong slowest) {
        long start = System.nanoTime();
        ViewStatus status = view.status();
        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
        return status;
    }

    @Test
    void awaitReady_brokerDown_throwsViewNotReadyNamingTheBrokersWithinItsTimeout() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> view.awaitReady(Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ViewNotReadyException.class,
                        e -> assertThat(e.state()).isEqualTo(ViewStatus.State.UNREACHABLE))
                .hasMessageContaining("words-by-id").hasMessageContaining(bootstrapServers)
                .hasMessageContaining("reachable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3_500));
    }

    @Test
    void awaitFreshness_brokerDown_throwsViewNotReadyNamingTheBrokersWithinItsTimeout() {
        await().atMost(Duration.ofSeconds(20)).until(() -> view.status().state() == ViewStatus.State.UNREACHABLE);
        Freshness unseen = Freshness.after(words.name(), 0, 1_000);
        long start = System.nanoTime();

        assertThatThrownBy(() -> view.awaitFreshness(unseen, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ViewNotReadyException.class,
                        e -> assertThat(e.state()).isEqualTo(ViewStatus.State.UNREACHABLE))
                .hasMessageContaining("words-by-id").hasMessageContaining(bootstrapServers)
                .hasMessageContaining("reachable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3_500));
    }

    @Test
    void start_noBrokerListening_failsWithinTheStartTimeoutNamingTheServersAndTheFix() throws IOException {
        String nowhere;
        try (ServerSocket probe = new ServerSocket(0)) {
            nowhere = "127.0.0.1:" + probe.getLocalPort();
        }
        long start = System.nanoTime();

        assertThatThrownBy(() -> ViewRuntime.builder().applicationId("broker-never-there").bootstrapServers(nowhere)
                .stateDir(stateDir).property("unbundled.start.timeout.ms", 3_000).view(byId).start())
                .isInstanceOf(ViewException.class)
                .hasMessageContaining(nowhere).hasMessageContaining("words-by-id").hasMessageContaining("3 s")
                .hasMessageContaining("unbundled.start.timeout.ms")
                .satisfies(e -> assertThat(e.getMessage()).doesNotEndWith("null"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }
}
