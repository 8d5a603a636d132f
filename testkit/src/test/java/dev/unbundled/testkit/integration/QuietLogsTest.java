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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
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

    @Test
    void start_tableTopicWhoseRetentionDeletes_warnsOnceNamingTheTopicAndTheFix_aCompactedOneDoesNot() throws Exception {
        Topic<String, String> deleting = Topic.of("quiet-deleting", Serdes.String(), Serdes.String());
        Topic<String, String> compacted = Topic.of("quiet-compacted", Serdes.String(), Serdes.String());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(deleting.name(), 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                            String.valueOf(Duration.ofDays(7).toMillis()))),
                    new NewTopic(compacted.name(), 1, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }
        ViewDefinition<String, String> fromDeleting = View.from(deleting).materialize("from-deleting");
        ViewDefinition<String, String> fromCompacted = View.from(compacted).materialize("from-compacted");

        String log = capturingStandardError(() -> {
            try (ViewRuntime runtime = ViewRuntime.builder().applicationId("quiet-retention")
                    .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir)
                    .view(fromDeleting).view(fromCompacted).start()) {
                runtime.awaitReady(PATIENCE);
            }
        });

        assertThat(log).containsOnlyOnce("read topic 'quiet-deleting' as a table")
                .contains("Set cleanup.policy=compact on 'quiet-deleting'")
                .doesNotContain("read topic 'quiet-compacted'");
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
