package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.testkit.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that goes down and comes back with its data, at the same address: while it is down the views
 * answer local reads, say UNREACHABLE within status()'s bound and refuse waits within their timeouts; once it
 * is back they catch up with what is written after the restart, by themselves, counting every event once.
 * The class owns its broker, which it stops and restarts (a broker shared by a class would be taken from its
 * other tests).
 */
class BrokerRestartIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** status() waits at most 2 s for Kafka; a loaded machine gets some slack on top. */
    private static final Duration STATUS_BOUND = Duration.ofMillis(3_500);
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final int KEYS = 20;

    private final Topic<String, String> words = Topic.of("words", Serdes.String(), Serdes.String());
    private final ViewDefinition<String, String> byId = View.from(words).materialize("words-by-id");
    private final ViewDefinition<String, Long> perWord = View.events(words).groupBy(word -> word, Serdes.String())
            .count().materialize("writes-per-word");

    @TempDir
    Path stateDir;

    private EmbeddedKafka kafka;

    @AfterEach
    void closeTheBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void restart_brokerDownThenBack_viewsAnswerMeanwhileAndCatchUpWithWritesAfterTheRestart() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopic(words.name(), 2);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerConfig(),
                new StringSerializer(), new StringSerializer());
             ViewRuntime runtime = ViewRuntime.builder().applicationId("broker-restart")
                     .bootstrapServers(kafka.bootstrapServers()).stateDir(stateDir).view(byId).view(perWord).start()) {
            for (int i = 0; i < KEYS; i++) {
                send(producer, key(i), "word " + (i % 4));
            }
            ReadOnlyView<String, String> view = runtime.view(byId);
            ReadOnlyView<String, Long> counts = runtime.view(perWord);
            runtime.awaitReady(PATIENCE);
            assertThat(snapshot(counts)).isEqualTo(Map.of("word 0", 5L, "word 1", 5L, "word 2", 5L, "word 3", 5L));

            kafka.stop();

            assertThat(view.get(key(3))).contains("word 3");
            assertThat(snapshot(view)).hasSize(KEYS);
            AtomicLong slowest = new AtomicLong();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> timedStatus(view, slowest).state() == ViewStatus.State.UNREACHABLE);
            assertThat(Duration.ofNanos(slowest.get())).as("the slowest status() call").isLessThan(STATUS_BOUND);
            assertRefusedWithinItsTimeout(() -> view.awaitReady(WAIT));
            assertRefusedWithinItsTimeout(() -> counts.awaitFreshness(Freshness.after(words.name(), 0, 1_000), WAIT));

            kafka.restart();
            RecordMetadata renamed = send(producer, key(3), "word 0");
            RecordMetadata added = send(producer, key(KEYS), "word 1");

            assertThat(view.get(key(3), Freshness.after(renamed))).as("a write after the restart").contains("word 0");
            assertThat(view.get(key(KEYS), Freshness.after(added))).contains("word 1");
            runtime.awaitReady(PATIENCE);
            assertThat(view.status().state()).isEqualTo(ViewStatus.State.READY);
            assertThat(snapshot(view)).hasSize(KEYS + 1);
            assertThat(snapshot(counts)).as("every write counted once, those after the restart too")
                    .isEqualTo(Map.of("word 0", 6L, "word 1", 6L, "word 2", 5L, "word 3", 5L));
        }
    }

    private static void assertRefusedWithinItsTimeout(Runnable wait) {
        long start = System.nanoTime();
        assertThatThrownBy(wait::run).isInstanceOfSatisfying(ViewNotReadyException.class,
                e -> assertThat(e.state()).as(e.getMessage()).isEqualTo(ViewStatus.State.UNREACHABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT.plus(STATUS_BOUND));
    }

    private static ViewStatus timedStatus(ReadOnlyView<?, ?> view, AtomicLong slowest) {
        long start = System.nanoTime();
        ViewStatus status = view.status();
        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
        return status;
    }

    private RecordMetadata send(KafkaProducer<String, String> producer, String key, String value) throws Exception {
        return producer.send(new ProducerRecord<>(words.name(), key, value)).get(30, TimeUnit.SECONDS);
    }

    private static <V> Map<String, V> snapshot(ReadOnlyView<String, V> view) {
        try (Stream<Map.Entry<String, V>> all = view.all()) {
            return all.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        }
    }

    private static String key(int i) {
        return String.format("w-%02d", i);
    }
}
