package dev.unbundled.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Page;
import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewIndex;
import dev.unbundled.serde.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The multi-instance harness on a real broker: instances that are stopped, killed mid-ingest and restarted
 * converge on what the inputs say, and the read checks catch every answer that is neither the reference nor
 * a refusal.
 */
class ViewClusterTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Track(String title, int version) {
    }

    private static final ViewIndex<Integer, Track> BY_VERSION = ViewIndex.of("by-version", Track::version,
            Serdes.Integer());

    /**
     * The index read from one instance, by key, by range and page by page, gathers every partition from the
     * instances that hold them: it equals the expected rows grouped by version. The index is written just after
     * the view's store in the same task, so a read right after the view converged may come a moment early.
     */
    private static void assertIndexMatches(ReadOnlyView<String, Track> view, Map<String, Track> expected) {
        Map<Integer, Map<String, Track>> byVersion = new TreeMap<>();
        expected.forEach((id, track) -> byVersion.computeIfAbsent(track.version(), v -> new TreeMap<>()).put(id, track));
        ReadOnlyIndex<Integer, String, Track> index = view.index(BY_VERSION);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            byVersion.forEach((version, rows) -> assertThat(index.get(version)).as("version %d", version)
                    .isEqualTo(rows));
            try (Stream<Map.Entry<String, Track>> all = index.range(0, Integer.MAX_VALUE)) {
                assertThat(all.count()).isEqualTo(expected.size());
            }
        });
        int last = byVersion.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        Map<String, Track> paged = new TreeMap<>();
        Page<String, Track> page = index.page(last, 7);
        while (true) {
            assertThat(page.entries()).hasSizeLessThanOrEqualTo(7);
            page.entries().forEach(row -> assertThat(paged.put(row.getKey(), row.getValue())).isNull());
            if (page.next().isEmpty()) {
                break;
            }
            page = index.nextPage(page.next().get(), 7);
        }
        assertThat(paged).isEqualTo(byVersion.get(last));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void kill_midIngest_everyInstanceConvergesOnTheReferenceAfterTheRestart(String guarantee) throws Exception {
        Topic<String, Track> tracks = topic();
        ViewDefinition<String, Track> byId = View.from(tracks).materialize("tracks-by-id-" + RUN.get())
                .withIndex(BY_VERSION);
        ViewDefinition<String, String> evenTitles = View.from(tracks).filter((id, track) -> track.version() % 2 == 0)
                .mapValues(Track::title, Serdes.String()).materialize("even-titles-" + RUN.get());
        int keys = 300;
        int rounds = 5;
        Map<String, Track> latest = new HashMap<>();
        AtomicInteger sent = new AtomicInteger();
        try (ViewCluster cluster = ViewCluster.builder(KAFKA.kafka()).instances(3).view(byId).view(evenTitles)
                .property(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee).start();
             KafkaProducer<String, Track> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                     new StringSerializer(), tracks.valueSerde().serializer())) {
            cluster.awaitStable();
            // each send waits for its acknowledgement, which paces the ingest at the broker's speed: it is still
            // going on when the instance is killed
            CompletableFuture<Void> ingest = CompletableFuture.runAsync(() -> {
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < keys; i++) {
                        boolean delete = round == rounds - 1 && i % 10 == 0;
                        Track track = delete ? null : new Track("Track " + i + " v" + round, round);
                        try {
                            producer.send(new ProducerRecord<>(tracks.name(), key(i), track)).get(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        synchronized (latest) {
                            if (delete) {
                                latest.remove(key(i));
                            } else {
                                latest.put(key(i), track);
                            }
                        }
                        sent.incrementAndGet();
                    }
                }
            });

            await().atMost(PATIENCE).until(() -> sent.get() >= keys || ingest.isDone());
            long killNanos = System.nanoTime();
            boolean diedMidWork = cluster.kill(1);
            int sentAtKill = sent.get();
            System.out.printf("%s: killed instance 1 in %d ms, %d of %d records sent%n", guarantee,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killNanos), sentAtKill, keys * rounds);
            await().atMost(PATIENCE).until(() -> sent.get() >= sentAtKill + keys || ingest.isDone());
            cluster.restart(1);
            ingest.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            assertThat(sentAtKill).as("the kill came mid-ingest").isLessThan(keys * rounds);
            assertThat(diedMidWork).as("instance 1 died with records in flight, without committing").isTrue();
            Map<String, Track> expected = Map.copyOf(latest);
            Map<String, String> expectedTitles = expected.entrySet().stream()
                    .filter(entry -> entry.getValue().version() % 2 == 0)
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().title()));
            assertThat(expected).hasSize(keys - keys / 10);
            assertThat(expectedTitles).hasSize(keys - keys / 10);

            long settleNanos = System.nanoTime();
            cluster.awaitStable();
            cluster.awaitEveryInstanceReads(byId, expected);
            cluster.awaitEveryInstanceReads(evenTitles, expectedTitles);

            System.out.printf("%s: after the ingest, the cluster settled and converged in %d ms%n", guarantee,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - settleNanos));
            for (int instance = 0; instance < 3; instance++) {
                assertIndexMatches(cluster.view(instance, byId), expected);
            }
            ReadReport report = cluster.assertEveryInstanceReads(byId, expected);
            assertThat(report.reads()).as("every key and a scan, from each of 3 instances").isEqualTo(3 * (expected.size() + 1));
            assertThat(report.matching()).isEqualTo(report.reads());
        }
    }

    @Test
    void stopAndRestart_instance_keepsItsStateDirectoryAndAddress_andTheOthersServeMeanwhile() throws Exception {
        Topic<String, Track> tracks = topic();
        ViewDefinition<String, Track> byId = View.from(tracks).materialize("tracks-by-id-" + RUN.get())
                .withIndex(BY_VERSION);
        Map<String, Track> expected = fill(tracks, 200);
        try (ViewCluster cluster = ViewCluster.builder(KAFKA.kafka()).view(byId).start()) {
            cluster.awaitStable();
            String address = cluster.address(1);
            Path stateDir = cluster.stateDir(1);
            ReadHammer<String, Track> reads = cluster.hammer(byId, expected).start();

            cluster.stop(1);

            assertThat(cluster.isRunning(1)).isFalse();
            assertThat(cluster).hasToString("ViewCluster[" + cluster.applicationId() + ", 0 running, 1 stopped]");
            assertThatThrownBy(() -> cluster.view(1, byId)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Instance 1").hasMessageContaining("stopped")
                    .hasMessageContaining("restart(1)");
            cluster.awaitStable();
            assertThat(cluster.view(0, byId).local().approximateCount()).as("instance 0 holds every partition")
                    .isEqualTo(expected.size());
            assertThat(cluster.assertEveryInstanceReads(byId, expected).notReady()).isZero();

            cluster.restart(1);

            assertThat(cluster.isRunning(1)).isTrue();
            assertThat(cluster.address(1)).isEqualTo(address);
            assertThat(cluster.runtime(1).queryAddress()).contains(address);
            assertThat(cluster.stateDir(1)).isEqualTo(stateDir);
            cluster.awaitStable();
            assertThat(cluster.view(1, byId).local().approximateCount()).as("instance 1 holds partitions again")
                    .isPositive().isLessThan(expected.size());
            assertThat(cluster.assertEveryInstanceReads(byId, expected).notReady()).isZero();
            reads.awaitMoreReads(200).close();
            ReadReport report = reads.report();
            System.out.println("Reads through both instances while instance 1 stopped and restarted: " + report);
            report.assertNoWrongAnswers();
            assertThat(report.matching()).isPositive();
        }
    }

    @Test
    void kill_idleInstance_closesItAsStopDoes_andSaysNothingWasInFlight() throws Exception {
        Topic<String, Track> tracks = topic();
        ViewDefinition<String, Track> byId = View.from(tracks).materialize("tracks-by-id-" + RUN.get())
                .withIndex(BY_VERSION);
        Map<String, Track> expected = fill(tracks, 50);
        try (ViewCluster cluster = ViewCluster.builder(KAFKA.kafka()).view(byId).start()) {
            cluster.awaitStable();

            assertThat(cluster.kill(0)).isFalse();
            assertThat(cluster.kill(0)).as("killing a dead instance").isFalse();

            assertThat(cluster).hasToString("ViewCluster[" + cluster.applicationId() + ", 0 killed, 1 running]");
            cluster.awaitStable();
            assertThat(cluster.assertEveryInstanceReads(byId, expected).notReady()).isZero();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ReadChecks {
        private ViewCluster cluster;
        private ViewDefinition<String, Track> byId;
        private Map<String, Track> expected;

        @BeforeAll
        void startCluster() throws Exception {
            Topic<String, Track> tracks = topic();
            byId = View.from(tracks).materialize("tracks-by-id-" + RUN.get());
            expected = fill(tracks, 100);
            cluster = ViewCluster.builder(KAFKA.kafka()).view(byId).start();
            cluster.awaitStable();
        }

        @AfterAll
        void closeCluster() {
            cluster.close();
        }

        @Test
        void assertEveryInstanceReads_referenceMatches_countsEveryKeyAndScanOfEveryInstance() {
            ReadReport report = cluster.assertEveryInstanceReads(byId, expected);

            assertThat(report.reads()).isEqualTo(2 * (expected.size() + 1));
            assertThat(report.matching()).isEqualTo(report.reads());
            assertThat(report.wrongAnswers()).isEmpty();
        }

        @Test
        void assertEveryInstanceReads_aValueDiffers_failsNamingTheInstanceKeyAndBothValues() {
            Map<String, Track> wrong = new LinkedHashMap<>(expected);
            wrong.put(key(7), new Track("Not what the topic says", 9));

            assertThatThrownBy(() -> cluster.assertEveryInstanceReads(byId, wrong)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("4 of 202 reads answered neither the reference nor ViewNotReadyException")
                    .hasMessageContaining("instance 0 (" + cluster.address(0) + "): get(" + key(7) + ") returned '"
                            + expected.get(key(7)) + "'; expected '" + wrong.get(key(7)) + "'")
                    .hasMessageContaining("instance 1 (" + cluster.address(1) + "): all() returned 100 rows");
        }

        @Test
        void assertEveryInstanceReads_aRowIsMissingFromTheReference_failsOnTheScans() {
            Map<String, Track> partial = new LinkedHashMap<>(expected);
            partial.remove(key(3));

            assertThatThrownBy(() -> cluster.assertEveryInstanceReads(byId, partial)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("2 of 200 reads")
                    .hasMessageContaining("all() returned 100 rows, the reference has 99: missing [], extra [" + key(3));
        }

        @Test
        void awaitEveryInstanceReads_referenceTheViewNeverReaches_failsAfterTheTimeoutWithTheDifferences() {
            Map<String, Track> wrong = new LinkedHashMap<>(expected);
            wrong.put(key(1), new Track("Never written", 0));

            assertThatThrownBy(() -> cluster.awaitEveryInstanceReads(byId, wrong, Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("did not all read '" + byId.name() + "'")
                    .hasMessageContaining("get(" + key(1) + ")");
        }

        @Test
        void hammer_correctReference_countsOnlyMatchingReadsThroughEveryInstance() {
            ReadHammer<String, Track> reads = cluster.hammer(byId, expected).start();
            try (reads) {
                reads.awaitMoreReads(300);
            }

            ReadReport report = reads.report().assertNoWrongAnswers();
            assertThat(report.matching()).isGreaterThanOrEqualTo(300).isEqualTo(report.reads());
        }

        @Test
        void hammer_wrongReference_reportsTheWrongAnswers() {
            Map<String, Track> wrong = new LinkedHashMap<>(expected);
            wrong.put(key(5), new Track("Not what the topic says", 9));
            ReadHammer<String, Track> reads = cluster.hammer(byId, wrong).through(1).start();
            try (reads) {
                reads.awaitMoreReads(300);
            }

            ReadReport report = reads.report();
            assertThat(report.wrong()).isPositive();
            assertThat(report.wrongAnswers()).allSatisfy(answer -> assertThat(answer)
                    .startsWith("instance 1 (").contains("get(" + key(5) + ")"));
            assertThatThrownBy(report::assertNoWrongAnswers).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("answered neither the reference nor ViewNotReadyException");
        }

        @Test
        void publicMethods_nullOrOutOfRangeArguments_failNamingThem() {
            assertThatThrownBy(() -> ViewCluster.builder(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("kafka");
            assertThatThrownBy(() -> cluster.view(0, null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("definition");
            assertThatThrownBy(() -> cluster.assertEveryInstanceReads(null, expected))
                    .isInstanceOf(NullPointerException.class).hasMessage("definition");
            assertThatThrownBy(() -> cluster.assertEveryInstanceReads(byId, null))
                    .isInstanceOf(NullPointerException.class).hasMessage("expected");
            assertThatThrownBy(() -> cluster.awaitStable(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("timeout");
            assertThatThrownBy(() -> cluster.hammer(byId, null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("expected");
            assertThatThrownBy(() -> cluster.hammer(byId, Map.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(byId.name());
            assertThatThrownBy(() -> cluster.hammer(byId, expected).through(5))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("instances 0 to 1, not 5");
            assertThatThrownBy(() -> cluster.stop(2)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("not 2");
            assertThatThrownBy(() -> cluster.hammer(byId, expected).through((int[]) null))
                    .isInstanceOf(NullPointerException.class).hasMessage("instances");
            assertThatThrownBy(() -> cluster.hammer(byId, expected).reading(null))
                    .isInstanceOf(NullPointerException.class).hasMessage("reader");
            ViewCluster.Builder builder = ViewCluster.builder(KAFKA.kafka());
            assertThatThrownBy(() -> builder.applicationId(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("applicationId");
            assertThatThrownBy(() -> builder.view(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("definition");
            assertThatThrownBy(() -> builder.property(null, 1)).isInstanceOf(NullPointerException.class)
                    .hasMessage("key");
            assertThatThrownBy(() -> builder.property("num.standby.replicas", null))
                    .isInstanceOf(NullPointerException.class).hasMessage("value");
            assertThatThrownBy(() -> builder.stateDir(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("stateDir");
            assertThatThrownBy(() -> builder.defaultStore(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("store");
            assertThatThrownBy(() -> builder.transport(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("transports");
        }
    }

    @Test
    void builder_misuse_failsFastSayingWhatToDo() {
        ViewCluster.Builder builder = ViewCluster.builder(KAFKA.kafka()).instances(2);
        ViewDefinition<String, Track> view = View.from(topic()).materialize("misuse-" + RUN.get());

        assertThatThrownBy(() -> builder.instances(3)).isInstanceOf(IllegalStateException.class)
                .hasMessage("instances was already set to 2");
        assertThatThrownBy(() -> ViewCluster.builder(KAFKA.kafka()).instances(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 instance");
        assertThatThrownBy(() -> builder.property("application.server", "localhost:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set by ViewCluster");
        assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call view(definition)");
        builder.view(view);
        assertThatThrownBy(() -> builder.view(view)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(view.name());
    }

    private static Topic<String, Track> topic() {
        Topic<String, Track> tracks = Topic.of("cluster-tracks-" + RUN.incrementAndGet(), Serdes.String(),
                Json.serde(Track.class));
        KAFKA.kafka().createTopics(PARTITIONS, tracks.name());
        return tracks;
    }

    /** Writes one version of each of {@code keys} tracks and returns them. */
    private static Map<String, Track> fill(Topic<String, Track> tracks, int keys) throws Exception {
        Map<String, Track> written = IntStream.range(0, keys).boxed()
                .collect(Collectors.toMap(ViewClusterTest::key, i -> new Track("Track " + i, 1)));
        try (KafkaProducer<String, Track> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                new StringSerializer(), tracks.valueSerde().serializer())) {
            for (Map.Entry<String, Track> track : written.entrySet()) {
                producer.send(new ProducerRecord<>(tracks.name(), track.getKey(), track.getValue()));
            }
            producer.flush();
            producer.send(new ProducerRecord<>(tracks.name(), key(0), written.get(key(0)))).get();
        }
        return written;
    }

    private static String key(int i) {
        return String.format("track-%03d", i);
    }
}
