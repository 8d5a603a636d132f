package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.History;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import dev.unbundled.testkit.ViewTestKit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a service's log shows of Unbundled at the default WARN level: nothing a user cannot act on. The
 * tests' logging (slf4j-simple) writes to {@code System.err}, which each test reads while it runs.
 */
class QuietLogsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Topic<String, String> NAMES = Topic.of("quiet-names", Serdes.String(), Serdes.String());
    private static final ViewDefinition<String, String> UPPER =
            View.from(NAMES).mapValues(String::toUpperCase, Serdes.String()).materialize("upper-names");

    @TempDir
    Path stateDir;

    @Test
    void start_runtime_logsNoWarningAboutTheGlobalProcessingHandler() throws Exception {
        KAFKA.kafka().createTopics(1, NAMES.name());

        String log = capturingStandardError(() -> {
            try (ViewRuntime runtime = ViewRuntime.builder().applicationId("quiet-logs")
                    .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir).view(UPPER).start();
                 KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                         Serdes.String().serializer(), Serdes.String().serializer())) {
                ReadOnlyView<String, String> view = runtime.view(UPPER).awaitReady(PATIENCE);
                producer.send(new ProducerRecord<>(NAMES.name(), "n-1", "ada")).get();
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(view.get("n-1")).contains("ADA"));
            }
        });

        assertThat(log).doesNotContain("not enabled for the GlobalThread");
    }

    @Test
    void viewTestKit_runsAndCloses_logsNoWarningAboutTheOsTempDirectory() {
        // a history is kept in a persistent store, which is when Kafka Streams looks where its state lives
        ViewDefinition<String, String> withHistory = View.from(NAMES).mapValues(String::toUpperCase, Serdes.String())
                .materialize("upper-names-history", History.retain(Duration.ofDays(1)));

        String log = capturingStandardError(() -> {
            try (ViewTestKit kit = ViewTestKit.of(withHistory)) {
                kit.input(NAMES).pipe("n-1", "ada");
                assertThat(kit.view(withHistory).get("n-1")).contains("ADA");
            }
        });

        assertThat(log).doesNotContain("OS temp directory").doesNotContain("WARN");
    }

    private static String capturingStandardError(ThrowingRunnable run) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
