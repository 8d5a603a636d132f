package dev.unbundled.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void start_freshBroker_acceptsProduceAndConsume() throws Exception {
        try (EmbeddedKafka kafka = timed("start", EmbeddedKafka::start)) {
            kafka.createTopic("orders", 3);
            assertThat(describe(kafka, "orders").partitions()).hasSize(3);

            List<String> sent = IntStream.range(0, 100).mapToObj(i -> "order-" + i).collect(Collectors.toList());
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
                for (String value : sent) {
                    producer.send(new ProducerRecord<>("orders", value, value));
                }
                producer.flush();
            }

            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    kafka.consumerConfig("orders-reader"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("orders"));
                await().atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ZERO).untilAsserted(() -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(received::add);
                    assertThat(received).hasSize(100);
                });
            }
            assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        }
    }

    @Test
    void createTopic_calledTwiceWithSamePartitions_isIdempotent() throws Exception {
        try (EmbeddedKafka kafka = timed("start", EmbeddedKafka::start)) {
            kafka.createTopic("payments", 2);
            assertThatCode(() -> kafka.createTopic("payments", 2)).doesNotThrowAnyException();
            assertThatCode(() -> kafka.createTopics(2, "payments", "refunds")).doesNotThrowAnyException();

            assertThat(describe(kafka, "payments").partitions()).hasSize(2);
            assertThat(describe(kafka, "refunds").partitions()).hasSize(2);
        }
    }

    @Test
    void createTopic_existingWithOtherPartitionCount_fails() {
        try (EmbeddedKafka kafka = timed("start", EmbeddedKafka::start)) {
            kafka.createTopic("invoices", 2);

            assertThatThrownBy(() -> kafka.createTopic("invoices", 4))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("invoices already exists with 2 partitions, not 4");
        }
    }

    @Test
    void close_runningBroker_deletesDataAndStopsListening() {
        EmbeddedKafka kafka = timed("start", EmbeddedKafka::start);
        kafka.createTopic("audit", 1);
        InetSocketAddress address = address(kafka.bootstrapServers());
        assertThat(kafka.dataDirectory()).isDirectory();
        assertThat(canConnect(address)).isTrue();

        long startNanos = System.nanoTime();
        kafka.close();
        System.out.printf("EmbeddedKafka close took %d ms%n", Duration.ofNanos(System.nanoTime() - startNanos).toMillis());

        assertThat(kafka.dataDirectory()).doesNotExist();
        assertThat(canConnect(address)).isFalse();
        assertThat(kafka).hasToString("EmbeddedKafka[" + kafka.bootstrapServers() + ", closed]");
        assertThatCode(kafka::close).doesNotThrowAnyException();
        assertThatThrownBy(() -> kafka.createTopic("audit-2", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void restart_afterStop_keepsRecordsAndAddress_andClientsCreatedBeforeCarryOn() throws Exception {
        try (EmbeddedKafka kafka = timed("start", EmbeddedKafka::start);
             KafkaProducer<String, String> producer =
                     new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                     kafka.consumerConfig("ledger-reader"), new StringDeserializer(), new StringDeserializer())) {
            kafka.createTopic("ledger", 2);
            String bootstrap = kafka.bootstrapServers();
            InetSocketAddress address = address(bootstrap);
            List<String> before = values("before", 50);
            send(producer, "ledger", before);
            consumer.subscribe(List.of("ledger"));
            assertThat(pollUntil(consumer, 50)).containsExactlyInAnyOrderElementsOf(before);
            // Auto-commit runs every 5 s: without this, the group can rejoin the restarted broker with no
            // committed offsets and rightly read from the earliest again (CI saw it once).
            consumer.commitSync();

            long stopNanos = System.nanoTime();
            kafka.stop();
            System.out.printf("EmbeddedKafka stop took %d ms%n", Duration.ofNanos(System.nanoTime() - stopNanos).toMillis());

            assertThat(kafka.isRunning()).isFalse();
            assertThat(kafka).hasToString("EmbeddedKafka[" + bootstrap + ", stopped]");
            assertThat(kafka.dataDirectory()).isDirectory();
            assertThat(canConnect(address)).as("connections to a stopped broker are refused").isFalse();
            try (Admin admin = admin(kafka)) {
                assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(1_500))
                        .nodes().get(10, TimeUnit.SECONDS))
                        .as("a client cannot reach the stopped broker").isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
            assertThatThrownBy(() -> kafka.createTopic("ledger-2", 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stopped").hasMessageContaining("restart()");

            long restartNanos = System.nanoTime();
            kafka.restart();
            System.out.printf("EmbeddedKafka restart took %d ms%n",
                    Duration.ofNanos(System.nanoTime() - restartNanos).toMillis());

            assertThat(kafka.isRunning()).isTrue();
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(kafka).hasToString("EmbeddedKafka[" + bootstrap + "]");
            List<String> after = values("after", 50);
            send(producer, "ledger", after);
            assertThat(pollUntil(consumer, 50)).as("the consumer subscribed before the stop reads on")
                    .containsExactlyInAnyOrderElementsOf(after);
            try (KafkaConsumer<String, String> fresh = new KafkaConsumer<>(
                    kafka.consumerConfig("ledger-auditor"), new StringDeserializer(), new StringDeserializer())) {
                fresh.subscribe(List.of("ledger"));
                assertThat(pollUntil(fresh, 100)).as("the records from before the stop are still there")
                        .containsExactlyInAnyOrderElementsOf(Stream.concat(before.stream(), after.stream()).toList());
            }
            assertThat(describe(kafka, "ledger").partitions()).hasSize(2);
        }
    }

    @Test
    void restart_runningBroker_stopsAndStartsItOnTheSameData() throws Exception {
        try (EmbeddedKafka kafka = timed("start", EmbeddedKafka::start)) {
            kafka.createTopic("kept", 3);

            kafka.restart();
            kafka.restart();

            assertThat(kafka.isRunning()).isTrue();
            assertThat(describe(kafka, "kept").partitions()).hasSize(3);
            kafka.createTopic("new-after-restart", 1);
            assertThat(topicNames(kafka)).contains("kept", "new-after-restart");
        }
    }

    @Test
    void close_stoppedBroker_deletesDataAndStaysStopped() {
        EmbeddedKafka kafka = timed("start", EmbeddedKafka::start);
        InetSocketAddress address = address(kafka.bootstrapServers());
        kafka.stop();
        assertThatCode(kafka::stop).as("stopping twice").doesNotThrowAnyException();

        kafka.close();

        assertThat(kafka.dataDirectory()).doesNotExist();
        assertThat(kafka.isRunning()).isFalse();
        assertThat(canConnect(address)).isFalse();
        assertThatThrownBy(kafka::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(kafka::stop).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeAtExit_ownerClosesWithinTheGrace_leavesTheBrokerRunningUntilThen() throws Exception {
        EmbeddedKafka kafka = timed("start", EmbeddedKafka::start);
        InetSocketAddress address = address(kafka.bootstrapServers());
        Thread hook = new Thread(() -> kafka.closeAtExit(DEADLINE), "test-shutdown-hook");
        try {
            hook.start();

            await().during(Duration.ofMillis(500)).atMost(DEADLINE)
                    .until(() -> hook.isAlive() && canConnect(address));
        } finally {
            kafka.close();
        }
        hook.join(DEADLINE.toMillis());
        assertThat(hook.isAlive()).as("the hook still waits after close()").isFalse();
        assertThat(kafka.dataDirectory()).doesNotExist();
    }

    @Test
    void closeAtExit_ownerNeverCloses_closesTheBrokerAfterTheGrace() throws Exception {
        EmbeddedKafka kafka = timed("start", EmbeddedKafka::start);
        InetSocketAddress address = address(kafka.bootstrapServers());
        try {
            Thread hook = new Thread(() -> kafka.closeAtExit(Duration.ofMillis(200)), "test-shutdown-hook");

            hook.start();

            hook.join(DEADLINE.toMillis());
            assertThat(hook.isAlive()).isFalse();
            assertThat(canConnect(address)).isFalse();
            assertThat(kafka.dataDirectory()).doesNotExist();
        } finally {
            kafka.close();
        }
    }

    @Test
    void publicMethods_nullArguments_throwNullPointerNamingThem() {
        assertThatThrownBy(() -> EmbeddedKafka.start(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("brokerOverrides");
        assertThatThrownBy(() -> new EmbeddedKafkaExtension(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("brokerOverrides");
        try (EmbeddedKafka kafka = timed("start", EmbeddedKafka::start)) {
            assertThatThrownBy(() -> kafka.createTopic(null, 1)).isInstanceOf(NullPointerException.class)
                    .hasMessage("topic name");
            assertThatThrownBy(() -> kafka.createTopics(1, (String[]) null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("names");
            assertThatThrownBy(() -> kafka.createTopics(1, "orders", null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("topic name");
            assertThatThrownBy(() -> kafka.consumerConfig(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("groupId");
        }
    }

    @Test
    void start_twoBrokersAtOnce_getDifferentPorts() throws Exception {
        try (EmbeddedKafka first = timed("start", EmbeddedKafka::start);
             EmbeddedKafka second = timed("start", EmbeddedKafka::start)) {
            assertThat(first.bootstrapServers()).isNotEqualTo(second.bootstrapServers());
            assertThat(first.dataDirectory()).isNotEqualTo(second.dataDirectory());

            first.createTopic("only-on-first", 1);
            assertThat(topicNames(first)).contains("only-on-first");
            assertThat(topicNames(second)).doesNotContain("only-on-first");
        }
    }

    @Test
    void start_withOverride_appliesItToTheBroker() throws Exception {
        try (EmbeddedKafka kafka = timed("start", () -> EmbeddedKafka.start(Map.of("num.partitions", 4)))) {
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
                // The topic does not exist yet: the broker auto-creates it with num.partitions.
                producer.send(new ProducerRecord<>("auto-created", "k", "v")).get();
            }

            assertThat(describe(kafka, "auto-created").partitions()).hasSize(4);
        }
    }

    @Test
    void start_withReservedOverride_isRejected() {
        assertThatThrownBy(() -> EmbeddedKafka.start(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
    }

    @Test
    void start_withInvalidOverride_failsAndLeavesNoDirectory() throws IOException {
        Set<Path> before = dataDirectories();

        assertThatThrownBy(() -> EmbeddedKafka.start(Map.of("num.partitions", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("num.partitions");
        assertThat(dataDirectories()).isEqualTo(before);
    }

    @Test
    void start_brokerMissingItsStartupDeadline_failsWithoutStoppingTheJvm() throws IOException {
        // KafkaRaftServer halts the JVM when its controller fails to start; EmbeddedKafka must report it
        // as an exception instead. Kafka logs this failure at ERROR, so two stack traces appear here.
        Set<Path> before = dataDirectories();

        assertThatThrownBy(() -> EmbeddedKafka.start(Map.of("server.max.startup.time.ms", 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed to start");
        assertThat(dataDirectories()).isEqualTo(before);
    }

    private static List<String> values(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).collect(Collectors.toList());
    }

    private static void send(KafkaProducer<String, String> producer, String topic, List<String> values)
            throws Exception {
        for (String value : values) {
            producer.send(new ProducerRecord<>(topic, value, value));
        }
        producer.flush();
        // flush() does not throw for records that failed: the last send's result does
        producer.send(new ProducerRecord<>(topic, "flush", null)).get();
    }

    /** Polls until {@code count} records other than the flush markers arrived, and returns their values. */
    private static List<String> pollUntil(KafkaConsumer<String, String> consumer, int count) {
        List<String> received = new ArrayList<>();
        await().atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ZERO).untilAsserted(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                if (record.value() != null) {
                    received.add(record.value());
                }
            });
            assertThat(received).hasSizeGreaterThanOrEqualTo(count);
        });
        return received;
    }

    private static Set<Path> dataDirectories() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // this JVM's brokers only: other builds on the machine start and stop brokers of their own meanwhile
            return files.filter(path -> path.getFileName().toString()
                            .startsWith("embedded-kafka-" + ProcessHandle.current().pid() + "-"))
                    .collect(Collectors.toSet());
        }
    }

    private static EmbeddedKafka timed(String what, Supplier<EmbeddedKafka> action) {
        long startNanos = System.nanoTime();
        EmbeddedKafka kafka = action.get();
        System.out.printf("EmbeddedKafka %s took %d ms (%s)%n",
                what, Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), kafka);
        return kafka;
    }

    private static TopicDescription describe(EmbeddedKafka kafka, String topic)
            throws ExecutionException, InterruptedException {
        try (Admin admin = admin(kafka)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        }
    }

    private static Set<String> topicNames(EmbeddedKafka kafka) throws ExecutionException, InterruptedException {
        try (Admin admin = admin(kafka)) {
            return admin.listTopics().names().get();
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static InetSocketAddress address(String bootstrapServers) {
        int colon = bootstrapServers.lastIndexOf(':');
        return new InetSocketAddress(bootstrapServers.substring(0, colon),
                Integer.parseInt(bootstrapServers.substring(colon + 1)));
    }

    private static boolean canConnect(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("Unexpected failure connecting to " + address, e);
        }
    }
}
