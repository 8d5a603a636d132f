package dev.unbundled.examples.ordernotes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The demo itself, end to end on a real broker, as the README's first command runs it. */
@ExtendWith(EmbeddedKafkaExtension.class)
class OrderNotesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern STATE_DIR = Pattern.compile("The view's state is in (\\S+) \\(deleted on exit\\)");

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void demo_onGivenBroker_printsNotesBeforeAndAfterTheRenameAndTheDelete(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(3, Warehouse.ORDERS.name(), Warehouse.PRODUCTS.name());

        OrderNotes.run(new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--demo"}, out);

        String output = output();
        String seeded = section(output, "== Seeding", "== Renaming");
        String renamed = section(output, "== Renaming", "== Cancelling");
        String cancelled = section(output, "== Cancelling", "Demo done.");
        assertThat(seeded).contains("o-1: 2 x Desk lamp (shelf A3)", "o-2: 1 x Office chair (shelf B1)",
                "o-3: 5 x Desk lamp (shelf A3)");
        assertThat(renamed).contains("o-1: 2 x LED desk lamp (shelf A4)", "o-3: 5 x LED desk lamp (shelf A4)")
                .doesNotContain("x Desk lamp");
        assertThat(cancelled).doesNotContain("o-2:").contains("o-1: 2 x LED desk lamp");
    }

    @Test
    void demo_withoutBootstrapServers_startsItsOwnBroker() throws Exception {
        OrderNotes.run(new String[] {"--demo"}, out);

        assertThat(output()).contains("Started an embedded Kafka broker at 127.0.0.1:").contains("Demo done.");
    }

    @Test
    void demo_clusterWithoutTheTopics_createsThemAndRuns() throws Exception {
        // auto-creation off: only the demo itself can create the topics
        try (EmbeddedKafka bare = EmbeddedKafka.start(Map.of("auto.create.topics.enable", false));
             Admin admin = Admin.create(Map.of("bootstrap.servers", bare.bootstrapServers()))) {
            OrderNotes.run(new String[] {"--bootstrap-servers", bare.bootstrapServers(), "--demo"}, out);

            assertThat(output()).contains("Created topic 'orders'", "Created topic 'products'", "Demo done.");
            Map<String, TopicDescription> topics = admin.describeTopics(List.of("orders", "products")).allTopicNames().get();
            assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(3));
        }
    }

    @Test
    void serve_productRenamedAfterTheDemo_printsEveryNoteOfThatProduct(EmbeddedKafka kafka) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Thread serving = serve(kafka, stop);
        try {
            await().atMost(PATIENCE).until(() -> output().contains("Serving the view until stopped"));

            rename(kafka, "p-1", "{\"name\":\"Desk lamp XL\",\"shelf\":\"A5\"}");

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(section(output(), "Serving the view", null))
                    .contains("changed o-1: 2 x Desk lamp XL (shelf A5)", "changed o-3: 5 x Desk lamp XL (shelf A5)")
                    .doesNotContain("o-2"));
        } finally {
            stop.countDown();
            serving.join(PATIENCE.toMillis());
        }
    }

    @Test
    void serve_stopped_closesTheRuntimeAndDeletesItsStateDirectory(EmbeddedKafka kafka) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Thread serving = serve(kafka, stop);
        await().atMost(PATIENCE).until(() -> output().contains("Serving the view until stopped"));
        Matcher state = STATE_DIR.matcher(output());
        assertThat(state.find()).as("the state directory line in%n%s", output()).isTrue();
        assertThat(Path.of(state.group(1))).isDirectory();

        stop.countDown();

        serving.join(PATIENCE.toMillis());
        assertThat(serving.isAlive()).as("still serving after the stop").isFalse();
        assertThat(output()).contains("Stopping after");
        assertThat(Files.exists(Path.of(state.group(1)))).as("state directory %s exists", state.group(1)).isFalse();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // the runtime leaves its views' groups (one per view) when it closes: a runtime left running would
            // still be a member
            List<String> groups = admin.listGroups().all().get().stream().map(GroupListing::groupId)
                    .filter(id -> id.startsWith("warehouse-order-notes.")).toList();
            assertThat(groups).isNotEmpty();
            assertThat(admin.describeConsumerGroups(groups).all().get().values())
                    .allSatisfy(group -> assertThat(group.members()).isEmpty());
        }
    }

    @Test
    void stopHook_run_asksToStopAndHoldsTheJvmUntilClosed() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = OrderNotes.stopHook(stop, closed);

        hook.start();

        await().atMost(PATIENCE).until(() -> stop.getCount() == 0);
        assertThat(hook.isAlive()).as("the hook returned before the demo closed").isTrue();
        closed.countDown();
        hook.join(PATIENCE.toMillis());
        assertThat(hook.isAlive()).isFalse();
    }

    @Test
    void run_unknownArgument_throwsIllegalArgumentWithUsage() {
        assertThatThrownBy(() -> OrderNotes.run(new String[] {"--demo", "--bootstrap", "localhost:9092"}, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown argument '--bootstrap'")
                .hasMessageContaining("Usage: OrderNotes [--bootstrap-servers host:port] [--demo]")
                .hasMessageContaining("created (3 partitions");
    }

    @Test
    void run_bootstrapServersWithoutValue_throwsIllegalArgumentNamingIt() {
        assertThatThrownBy(() -> OrderNotes.run(new String[] {"--bootstrap-servers"}, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bootstrap-servers needs a value");
    }

    private Thread serve(EmbeddedKafka kafka, CountDownLatch stop) {
        kafka.createTopics(3, Warehouse.ORDERS.name(), Warehouse.PRODUCTS.name());
        Thread serving = new Thread(() -> {
            try {
                OrderNotes.run(new String[] {"--bootstrap-servers", kafka.bootstrapServers()}, out, stop);
            } catch (Exception e) {
                e.printStackTrace(out);
            }
        }, "order-notes-serving");
        serving.start();
        return serving;
    }

    /** Renames a product as anyone else would: a plain producer writing JSON, as the printed hint shows. */
    private static void rename(EmbeddedKafka kafka, String productId, String json) throws Exception {
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Warehouse.PRODUCTS.name(), productId, json)).get();
        }
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static String section(String output, String from, String to) {
        int start = output.indexOf(from);
        assertThat(start).as("section '%s' in%n%s", from, output).isNotNegative();
        if (to == null) {
            return output.substring(start);
        }
        int end = output.indexOf(to, start);
        assertThat(end).as("section end '%s' in%n%s", to, output).isGreaterThan(start);
        return output.substring(start, end);
    }
}
