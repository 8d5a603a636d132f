package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.rocksdb.PaymentViews.Op;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CrashTest}'s kills with Kafka Streams' transactional state stores on
 * ({@code enable.transactional.statestores=true}, KIP-892): views in a child JVM on durable RocksDB, killed
 * with SIGKILL mid-ingest three times, end exactly equal to their queries, and a restart after a kill resumes
 * from the store's local state instead of wiping it: an event aggregation restores fewer records than its
 * changelog holds. Without the setting, exactly-once wipes the store and restores the whole changelog.
 *
 * <p>RocksDB writes without a write-ahead log, so a kill loses what was still in the memtables: a store
 * resumes from its last memtable flush, which (atomic over the data and the offsets column families) is a
 * commit. This runs with the least memory budget, 1 MiB, so that memtables flush within a test's few thousand
 * records, as those of a store much larger than its memtables do all the time; with the default budget (128
 * MiB) a store this small never flushes between kills, and restores its whole changelog either way.
 *
 * <p>For measurements: {@code -Dunbundled.txcrash.cases=rocksdb-on,rocksdb-off,memory-on,memory-off} chooses
 * the runs (store, setting), {@code -Dunbundled.txcrash.records}, {@code .kills} and {@code .budget} (bytes;
 * {@code default} for the runtime's default) their size, {@code .logs} a directory that keeps the children's
 * logs.
 */
class TransactionalStoresCrashTest {
    private static final int KILLS = Integer.getInteger("unbundled.txcrash.kills", 3);
    private static final int RECORDS = Integer.getInteger("unbundled.txcrash.records", 4_000);
    private static final String BUDGET = System.getProperty("unbundled.txcrash.budget", String.valueOf(1L << 20));
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;
    @TempDir
    Path logs;

    private final List<ChildJvm> children = new ArrayList<>();
    private final AtomicBoolean stopSending = new AtomicBoolean();

    static Stream<String> cases() {
        return Arrays.stream(System.getProperty("unbundled.txcrash.cases", "rocksdb-on").split(","));
    }

    @AfterEach
    void killEveryChild() throws InterruptedException {
        stopSending.set(true);
        for (ChildJvm child : children) {
            child.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void killNine_midIngestWithTransactionalStores_viewsExactAndRestartResumesFromLocalState(String mode)
            throws Exception {
        Run run = new Run(mode);
        List<Op> ops = run.views.workload(RECORDS);
        List<ChildJvm.Ready> restarts = killRepeatedly(run, ops);
        Map<ViewDefinition<String, Long>, Long> changelogs = new LinkedHashMap<>();
        for (ViewDefinition<String, Long> view : List.of(run.views.paymentCount, run.views.paymentSum)) {
            changelogs.put(view, committedRecords(changelogOf(run.applicationId, view.name())));
        }

        Map<String, Map<String, ?>> expected = run.views.reference(ops);
        ViewRuntime.Builder builder = CrashChild.builder(KAFKA.kafka().bootstrapServers(), run.applicationId, stateDir,
                run.store, "default", run.properties);
        run.views.all().forEach(builder::view);
        long starting = System.nanoTime();
        try (ViewRuntime last = builder.start()) {
            last.awaitReady(CrashTest.PATIENCE);
            long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting);
            Map<ViewDefinition<String, Long>, Long> restored = new LinkedHashMap<>();
            changelogs.keySet().forEach(view -> restored.put(view, last.view(view).status().restoredRecords()));
            Map<String, Map<String, ?>> actual = CrashTest.snapshot(last, run.views);
            System.out.printf("%s: %d payments sent, counted %d; restarts after a kill restored %s records (all views)"
                            + " and answered after %s ms; the last start restored %d (all views) and was ready after"
                            + " %d ms; of the event aggregations' changelogs %s it restored %s%n", mode,
                    CrashTest.payments(ops), CrashTest.total(actual.get(run.views.paymentCount.name())),
                    restarts.stream().map(ChildJvm.Ready::restored).toList(),
                    restarts.stream().map(ChildJvm.Ready::millis).toList(), CrashChild.restored(last, run.views),
                    readyMillis, changelogs.values(), restored.values());

            SoftAssertions.assertSoftly(softly -> {
                run.views.all().forEach(view -> softly.assertThat(actual.get(view.name()))
                        .as("view '%s' after %d kills, %s", view.name(), KILLS, mode)
                        .isEqualTo(expected.get(view.name())));
                long inChangelogs = changelogs.values().stream().mapToLong(Long::longValue).sum();
                long restoredInAll = restored.values().stream().mapToLong(Long::longValue).sum();
                if (run.transactional && run.store.equals("rocksdb")) {
                    // which store's memtable flushed when varies; a wiped store would restore all of its changelog
                    softly.assertThat(restoredInAll).as("records the event aggregations restored after the last"
                            + " kill, of the %d in their changelogs: they resume from local state", inChangelogs)
                            .isLessThan(inChangelogs);
                } else {
                    softly.assertThat(restored).as("records each event aggregation restored after the last kill:"
                            + " its whole changelog").isEqualTo(changelogs);
                }
            });
        }
    }

    /** One run's views, topics and settings. */
    private static final class Run {
        final String mode;
        final String store;
        final boolean transactional;
        final String applicationId;
        final PaymentViews views;
        final Map<String, String> properties = new LinkedHashMap<>();

        Run(String mode) {
            this.mode = mode;
            this.store = mode.substring(0, mode.indexOf('-'));
            this.transactional = mode.endsWith("-on");
            String name = "tx-" + mode + "-" + RUN.incrementAndGet();
            this.applicationId = "crash-" + name;
            this.views = new PaymentViews(name);
            KAFKA.kafka().createTopics(2, views.topics().toArray(String[]::new));
            properties.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, String.valueOf(transactional));
            if (!BUDGET.equals("default")) {
                properties.put(RocksDb.MEMORY_BUDGET_CONFIG, BUDGET);
            }
        }

        String[] childArgs(Path stateDir) {
            return new String[] {KAFKA.kafka().bootstrapServers(), applicationId, stateDir.toString(),
                    applicationId.substring("crash-".length()), store, "default", CrashChild.text(properties)};
        }
    }

    /**
     * Starts a child, sends a chunk of the records and kills the child mid-ingest, {@link #KILLS} times; then
     * sends the rest.
     *
     * @return each restart after a kill: how long its views took to be ready, and what they restored first
     */
    private List<ChildJvm.Ready> killRepeatedly(Run run, List<Op> ops) throws Exception {
        List<List<Op>> chunks = CrashTest.chunks(ops, KILLS + 1);
        List<ChildJvm.Ready> restarts = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            AtomicInteger sent = new AtomicInteger();
            for (int round = 0; round < KILLS; round++) {
                ChildJvm child = ChildJvm.start(logDir().resolve(run.mode + "-child-" + round + ".log"),
                        run.childArgs(stateDir));
                children.add(child);
                CrashTest.awaitChild(child, () -> child.ready() != null && child.status() != null);
                if (round > 0) {
                    restarts.add(child.ready());
                }
                long before = child.status().applied();
                List<Op> chunk = chunks.get(round);
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(producer, run.views, chunk, sent));
                // mid-ingest: the child has counted a quarter of this chunk's payments and not yet the rest
                CrashTest.awaitChild(child, () -> child.status().applied() >= before + CrashTest.payments(chunk) / 4);
                assertThat(child.kill()).as("the child died of SIGKILL").isEqualTo(ChildJvm.KILLED_BY_SIGKILL);
                sending.get(CrashTest.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
            send(producer, run.views, chunks.get(KILLS), sent);
            assertThat(sent.get()).isEqualTo(ops.size());
        }
        return restarts;
    }

    /**
     * @return the changelog of a view's own store: the view runs as the Kafka Streams application
     *     {@code <application id>.<view>.<fingerprint>}, whose fingerprint the child computed
     */
    private static String changelogOf(String applicationId, String view) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.kafka().consumerConfig("list-topics"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<String> changelogs = consumer.listTopics().keySet().stream()
                    .filter(topic -> topic.startsWith(applicationId + "." + view + ".")
                            && topic.endsWith("-" + view + "-changelog")).toList();
            assertThat(changelogs).as("the changelog of view " + view).hasSize(1);
            return changelogs.get(0);
        }
    }

    /**
     * @param topic a changelog topic
     * @return the records it holds that a restore reads: those of committed transactions
     */
    private static long committedRecords(String topic) {
        Map<String, Object> config = KAFKA.kafka().consumerConfig("count-" + topic);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long records = 0;
            long deadline = System.nanoTime() + CrashTest.PATIENCE.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime() - deadline).as("reading " + topic + " to its end").isNegative();
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            return records;
        }
    }

    /** @return where the children log: {@code -Dunbundled.txcrash.logs} keeps the logs, else a temporary directory */
    private Path logDir() {
        String kept = System.getProperty("unbundled.txcrash.logs", "");
        return kept.isEmpty() ? logs : Path.of(kept);
    }

    private void send(KafkaProducer<byte[], byte[]> producer, PaymentViews views, List<Op> chunk, AtomicInteger sent) {
        for (Op op : chunk) {
            if (stopSending.get()) {
                return;
            }
            try {
                // waiting for each acknowledgement paces the ingest at the broker's speed
                producer.send(views.record(op)).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Could not send " + op, e);
            }
            sent.incrementAndGet();
        }
    }
}
