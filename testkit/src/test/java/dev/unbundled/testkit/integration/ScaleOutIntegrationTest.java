package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Freshness;
import dev.unbundled.Page;
import dev.unbundled.Read;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.remote.HttpTransport;
import dev.unbundled.remote.KeyAnswer;
import dev.unbundled.remote.KeyRequest;
import dev.unbundled.remote.QueryHandler;
import dev.unbundled.remote.RemoteQueryException;
import dev.unbundled.remote.ScanAnswer;
import dev.unbundled.remote.ScanRequest;
import dev.unbundled.remote.Transport;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import dev.unbundled.testkit.ReadHammer;
import dev.unbundled.testkit.ReadReport;
import dev.unbundled.testkit.ViewCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three runtimes of one service on a real broker, each holding some of a view's six partitions: every read
 * is routed to the instance that holds the key, scans gather every partition, and rebalances never give
 * wrong answers. The instances run in a {@link ViewCluster}, as users' multi-instance tests would.
 */
class ScaleOutIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int PARTITIONS = 6;
    private static final int KEYS = 600;
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Song(String title, int plays) {
    }

    @TempDir
    Path stateDir;

    private ViewCluster cluster;
    private Topic<String, Song> songs;
    private ViewDefinition<String, Song> byId;
    private String applicationId;

    @BeforeEach
    void fillTopic() throws Exception {
        int run = RUN.incrementAndGet();
        EmbeddedKafka kafka = KAFKA.kafka();
        songs = Topic.of("scale-songs-" + run, Serdes.String(), Json.serde(Song.class));
        kafka.createTopics(PARTITIONS, songs.name());
        byId = View.from(songs).materialize("songs-by-id");
        applicationId = "scale-out-" + run;
        try (KafkaProducer<String, Song> producer = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(),
                songs.valueSerde().serializer())) {
            for (int i = 0; i < KEYS; i++) {
                producer.send(new ProducerRecord<>(songs.name(), key(i), song(i)));
            }
            producer.send(new ProducerRecord<>(songs.name(), key(KEYS - 1), song(KEYS - 1))).get();
        }
    }

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyInstance_answersEveryKeyAndScan_asIfTheViewWereLocal() {
        List<ReadOnlyView<String, Song>> views = start(3, byId);
        awaitSpread(views);

        for (ReadOnlyView<String, Song> view : views) {
            for (int i = 0; i < KEYS; i++) {
                assertThat(view.get(key(i))).as("%s from %s", key(i), view).contains(song(i));
            }
            assertThat(view.get("no-such-song")).isEmpty();
            try (Stream<Map.Entry<String, Song>> all = view.all()) {
                assertThat(all.map(Map.Entry::getKey).toList()).isEqualTo(allKeys());
            }
            try (Stream<Map.Entry<String, Song>> range = view.range(key(100), key(199))) {
                assertThat(range.map(Map.Entry::getValue).toList())
                        .isEqualTo(IntStream.range(100, 200).mapToObj(ScaleOutIntegrationTest::song).toList());
            }
            try (Stream<Map.Entry<String, Song>> prefix = view.prefixScan("song-05")) {
                assertThat(prefix.map(Map.Entry::getKey).toList())
                        .isEqualTo(IntStream.range(50, 60).mapToObj(ScaleOutIntegrationTest::key).toList());
            }
            try (Stream<Map.Entry<String, Song>> everything = view.prefixScan("")) {
                assertThat(everything.map(Map.Entry::getKey).toList()).isEqualTo(allKeys());
            }
        }
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < KEYS; i++) {
            Read<Song> read = views.get(0).read(key(i));
            assertThat(read.value()).contains(song(i));
            assertThat(read.standby()).isFalse();
            answeredBy.add(read.instance());
        }
        assertThat(answeredBy).as("every instance answers for its own keys")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, cluster.size())
                        .mapToObj(i -> cluster.runtime(i).queryAddress().orElseThrow()).toList());
    }

    @Test
    void rekeyedView_readThroughItsRepartitionTopic_isRoutedAndScannedWhole() {
        ViewDefinition<String, Song> byTitle = View.from(songs).rekey(Song::title, Serdes.String())
                .materialize("songs-by-title");
        List<ReadOnlyView<String, Song>> titles = start(3, byTitle);
        List<String> expected = IntStream.range(0, KEYS).mapToObj(i -> song(i).title()).sorted().toList();
        await().atMost(PATIENCE).until(() -> titles.stream().allMatch(view -> view.status().isReady())
                && titles.stream().mapToLong(ScaleOutIntegrationTest::localKeys).sum() == KEYS);

        for (ReadOnlyView<String, Song> view : titles) {
            try (Stream<Map.Entry<String, Song>> all = view.all()) {
                assertThat(all.map(Map.Entry::getKey).toList()).isEqualTo(expected);
            }
            for (int i = 0; i < KEYS; i += 7) {
                assertThat(view.get(song(i).title())).contains(song(i));
            }
        }
        assertThat(titles.stream().map(view -> localKeys(view)).toList()).allSatisfy(local -> assertThat(local)
                .as("each instance holds some of the re-keyed partitions").isPositive().isLessThan(KEYS));
    }

    @Test
    void freshnessTokens_forPartitionsHeldHere_areHonoured_andForOthers_refusedClearly() throws Exception {
        List<ReadOnlyView<String, Song>> views = start(3, byId);
        awaitSpread(views);
        int honoured = 0;
        int refused = 0;
        try (KafkaProducer<String, Song> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                new StringSerializer(), songs.valueSerde().serializer())) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                String key = keyIn(partition);
                RecordMetadata sent = producer.send(
                        new ProducerRecord<>(songs.name(), key, song(partition))).get();
                assertThat(sent.partition()).isEqualTo(partition);
                try {
                    // the key lives in the token's partition, so it is held where the token is processed
                    assertThat(views.get(0).get(key, Freshness.after(sent))).contains(song(partition));
                    honoured++;
                } catch (ViewNotReadyException e) {
                    assertThat(e.getMessage()).contains("songs-by-id").contains(songs.name() + "-" + partition)
                            .contains("other instances");
                    refused++;
                }
            }
        }
        assertThat(honoured).as("A processes some partitions").isPositive();
        assertThat(refused).as("B and C process the others").isPositive();
    }

    @Test
    void localViews_partitionTheKeys_andRoutedViewsSeeThemAll() {
        List<ReadOnlyView<String, Song>> views = start(3, byId);
        awaitSpread(views);

        List<String> local = new ArrayList<>();
        for (ReadOnlyView<String, Song> view : views) {
            try (Stream<Map.Entry<String, Song>> rows = view.local().all()) {
                List<String> keys = rows.map(Map.Entry::getKey).toList();
                assertThat(keys).as("each instance holds some partitions").isNotEmpty().hasSizeLessThan(KEYS);
                local.addAll(keys);
            }
        }
        assertThat(local).hasSize(KEYS).containsExactlyInAnyOrderElementsOf(allKeys());
    }

    @Test
    void pages_withCursors_returnEveryKeyOnceInOrder_fromEveryInstance() {
        List<ReadOnlyView<String, Song>> views = start(3, byId);
        awaitSpread(views);

        for (ReadOnlyView<String, Song> view : views) {
            List<String> keys = new ArrayList<>();
            Page<String, Song> page = view.page(47);
            int pages = 1;
            keys.addAll(page.entries().stream().map(Map.Entry::getKey).toList());
            while (page.next().isPresent()) {
                assertThat(page.entries()).hasSize(47);
                page = view.nextPage(page.next().get(), 47);
                keys.addAll(page.entries().stream().map(Map.Entry::getKey).toList());
                pages++;
            }
            assertThat(keys).isEqualTo(allKeys());
            assertThat(pages).isEqualTo((KEYS + 46) / 47);

            Page<String, Song> ranged = view.page(key(10), key(29), 15);
            assertThat(ranged.entries()).extracting(Map.Entry::getKey)
                    .isEqualTo(IntStream.range(10, 25).mapToObj(ScaleOutIntegrationTest::key).toList());
            Page<String, Song> rest = view.nextPage(ranged.next().orElseThrow(), 15);
            assertThat(rest.entries()).extracting(Map.Entry::getKey)
                    .isEqualTo(IntStream.range(25, 30).mapToObj(ScaleOutIntegrationTest::key).toList());
            assertThat(rest.next()).isEmpty();
        }
        assertThatThrownBy(() -> views.get(0).nextPage("not-a-cursor", 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("songs-by-id");
    }

    @Test
    void scans_whenAnInstanceIsGone_failClearly_neverReturnAShortAnswer() {
        List<ReadOnlyView<String, Song>> views = start(3, byId);
        awaitSpread(views);
        String cAddress = cluster.runtime(2).queryAddress().orElseThrow();
        cluster.stop(2);

        // right after C left, either the scan finds C gone (and says so), or A itself is being given C's
        // partitions (and says so), or the group has already moved them (and the scan is complete): never a
        // silently short answer
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Stream<Map.Entry<String, Song>> all = views.get(0).all()) {
                assertThat(all.count()).isEqualTo(KEYS);
            } catch (ViewNotReadyException e) {
                assertThat(e.getMessage()).contains("songs-by-id")
                        .containsAnyOf(cAddress, "no instance", "is REBALANCING", "is RESTORING");
            }
        }
    }

    @Test
    void allAndPage_whenAnInstanceCannotBeReached_throwViewNotReadyNamingItsPartitionsAndAddress() {
        RefusingScans transport = new RefusingScans();
        List<ReadOnlyView<String, Song>> views = start(2, byId, transport);
        ReadOnlyView<String, Song> a = views.get(0);
        ReadOnlyView<String, Song> b = views.get(1);
        awaitSpread(List.of(a, b));
        String missing = "partitions " + partitionsHeldBy(b) + " at " + cluster.runtime(1).queryAddress().orElseThrow();
        transport.refuse = true;

        assertThatThrownBy(() -> {
            try (Stream<Map.Entry<String, Song>> all = a.all()) {
                all.count();
            }
        }).isInstanceOf(ViewNotReadyException.class).hasMessageContaining("'songs-by-id'")
                .hasMessageContaining(missing).hasMessageContaining("no partial result");
        assertThatThrownBy(() -> a.page(10)).isInstanceOf(ViewNotReadyException.class)
                .hasMessageContaining("'songs-by-id'").hasMessageContaining(missing);
    }

    @Test
    void allAndPage_whenAnInstanceCannotBeReached_closeTheLocalStoreIteratorsTheyOpened() {
        RefusingScans transport = new RefusingScans();
        awaitSpread(start(2, byId, transport));
        ViewRuntime a = cluster.runtime(0);
        transport.refuse = true;

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> a.view(byId).all()).isInstanceOf(ViewNotReadyException.class);
            assertThatThrownBy(() -> a.view(byId).prefixScan("song-1")).isInstanceOf(ViewNotReadyException.class);
            assertThatThrownBy(() -> a.view(byId).page(10)).isInstanceOf(ViewNotReadyException.class);
        }

        assertThat(openIterators(a)).as("store iterators A opened for its own partitions and never handed out")
                .isZero();
        transport.refuse = false;
        try (Stream<Map.Entry<String, Song>> all = a.view(byId).all()) {
            assertThat(all.count()).isEqualTo(KEYS);
            assertThat(openIterators(a)).as("the metric counts the iterators of a scan in progress").isPositive();
        }
    }

    @Test
    void allAndPages_integerKeysOverSixPartitions_comeInTheUnsignedByteOrderOfTheSerialisedKeys() throws Exception {
        Topic<Integer, Song> numbered = Topic.of("scale-numbered-" + RUN.get(), Serdes.Integer(),
                Json.serde(Song.class));
        KAFKA.kafka().createTopics(PARTITIONS, numbered.name());
        List<Integer> numbers = new ArrayList<>(List.of(Integer.MIN_VALUE, -1_000_000, -65_536, 65_536, 1_000_000,
                Integer.MAX_VALUE));
        IntStream.rangeClosed(-130, 130).forEach(numbers::add);
        try (KafkaProducer<Integer, Song> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                new IntegerSerializer(), numbered.valueSerde().serializer())) {
            for (int number : numbers) {
                producer.send(new ProducerRecord<>(numbered.name(), number, song(number)));
            }
            producer.flush();
        }
        ViewDefinition<Integer, Song> byNumber = View.from(numbered).materialize("songs-by-number");
        List<ReadOnlyView<Integer, Song>> views = start(2, byNumber);
        await().atMost(PATIENCE).until(() -> views.stream().allMatch(view -> view.status().isReady())
                && views.stream().mapToLong(ScaleOutIntegrationTest::localKeys).sum() == numbers.size()
                && views.stream().allMatch(view -> localKeys(view) > 0));
        // the documented order: the serialised keys' bytes compared unsigned; for Serdes.Integer() (big-endian
        // two's complement) that is 0 .. Integer.MAX_VALUE, then Integer.MIN_VALUE .. -1
        IntegerSerializer keys = new IntegerSerializer();
        List<Integer> expected = numbers.stream()
                .sorted(Comparator.comparing(number -> Bytes.wrap(keys.serialize(null, number)))).toList();
        assertThat(expected).startsWith(0, 1, 2).endsWith(-2, -1).contains(Integer.MAX_VALUE, Integer.MIN_VALUE)
                .isEqualTo(numbers.stream().sorted(Integer::compareUnsigned).toList());

        for (ReadOnlyView<Integer, Song> view : views) {
            try (Stream<Map.Entry<Integer, Song>> all = view.all()) {
                assertThat(all.map(Map.Entry::getKey).toList()).isEqualTo(expected);
            }
            List<Integer> paged = new ArrayList<>();
            Page<Integer, Song> page = view.page(50);
            paged.addAll(page.entries().stream().map(Map.Entry::getKey).toList());
            while (page.next().isPresent()) {
                page = view.nextPage(page.next().get(), 50);
                paged.addAll(page.entries().stream().map(Map.Entry::getKey).toList());
            }
            assertThat(paged).isEqualTo(expected);
            try (Stream<Map.Entry<Integer, Song>> range = view.range(-2, -1)) {
                assertThat(range.map(Map.Entry::getKey).toList()).containsExactly(-2, -1);
            }
            assertThatThrownBy(() -> view.range(-1, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reversed");
            // no prefix follows FF..FF: the rows starting with it are the rows from it on, on every instance
            try (Stream<Map.Entry<Integer, Song>> minusOne = view.prefixScan(-1)) {
                assertThat(minusOne.map(Map.Entry::getKey).toList()).containsExactly(-1);
            }
            try (Stream<Map.Entry<Integer, Song>> ff = view.prefixScan(new byte[] {(byte) 0xFF},
                    new ByteArraySerializer())) {
                assertThat(ff.map(Map.Entry::getKey).toList()).isEqualTo(expected.stream()
                        .filter(number -> keys.serialize(null, number)[0] == (byte) 0xFF).toList());
            }
        }
    }

    @Test
    void queryServer_withToken_routesReads_andRefusesBadRequestsWithClearStatuses() throws Exception {
        cluster = clusterBuilder().instances(3)
                .transport(instance -> HttpTransport.builder().bearerToken(TOKEN).maxPageSize(10).build())
                .view(byId).start();
        List<ReadOnlyView<String, Song>> views = views(byId);
        awaitSpread(views);
        for (int i = 0; i < KEYS; i++) {
            assertThat(views.get(0).get(key(i))).contains(song(i));
        }
        String b = "http://" + cluster.runtime(1).queryAddress().orElseThrow();
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(key(1).getBytes(StandardCharsets.UTF_8));

        assertThat(status(b + "/views/songs-by-id/keys/" + key + "?partition=0", null)).isEqualTo(401);
        assertThat(status(b + "/views/songs-by-id/keys/" + key + "?partition=0", "wrong")).isEqualTo(401);
        assertThat(status(b + "/views/no-such-view/keys/" + key + "?partition=0", TOKEN)).isEqualTo(404);
        assertThat(status(b + "/views/songs-by-id/keys/not*base64?partition=0", TOKEN)).isEqualTo(400);
        for (String partition : List.of(String.valueOf(PARTITIONS), "1000", String.valueOf(Integer.MAX_VALUE))) {
            HttpResponse<String> nowhere = get(b + "/views/songs-by-id/keys/" + key + "?partition=" + partition, TOKEN);
            assertThat(nowhere.statusCode()).as(nowhere.body()).isEqualTo(400);
            assertThat(nowhere.body()).contains("songs-by-id").contains("partition " + partition)
                    .contains("0 to " + (PARTITIONS - 1));
            // alone: asked with partitions B does not hold, the scan is refused 421 (re-route) at the first of them
            assertThat(status(b + "/views/songs-by-id/rows?partitions=" + partition, TOKEN)).isEqualTo(400);
        }
        List<Integer> pageSizes = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            HttpResponse<String> rows = get(b + "/views/songs-by-id/rows?partitions=" + partition
                    + "&limit=1000000", TOKEN);
            assertThat(rows.statusCode()).as(rows.body()).isIn(200, 421);
            if (rows.statusCode() == 200) {
                pageSizes.add(rows.body().split("\"key\"").length - 1);
                assertThat(rows.body()).contains("\"more\":true");
            }
        }
        assertThat(pageSizes).as("B holds partitions, and serves at most a page of 10 rows from each")
                .isNotEmpty().containsOnly(10);
    }

    private static final String TOKEN = "s3cret-token";

    private static int status(String uri, String token) throws Exception {
        return get(uri, token).statusCode();
    }

    private static HttpResponse<String> get(String uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rebalanceUnderLoad_withStandbys_noReadFails() {
        ReadReport outcomes = readWhileCIsStoppedAndRestarted(1);
        assertThat(outcomes.notReady()).as("%s", outcomes).isZero();
        assertThat(outcomes.wrong()).as("%s", outcomes).isZero();
        assertThat(outcomes.matching()).isGreaterThan(1_000);
    }

    @Test
    void rebalanceUnderLoad_withoutStandbys_failsOnlyWithViewNotReady_neverWrongValues() {
        ReadReport outcomes = readWhileCIsStoppedAndRestarted(0);
        System.out.println("Reads during a rebalance without standbys: " + outcomes);
        outcomes.assertNoWrongAnswers();
        assertThat(outcomes.matching()).isGreaterThan(1_000);
        outcomes.firstNotReady().ifPresent(failure -> assertThat(failure).hasMessageContaining("'songs-by-id'"));
    }

    /** Reads every key through instance A, round and round, while C is stopped and later restarted. */
    private ReadReport readWhileCIsStoppedAndRestarted(int standbys) {
        cluster = clusterBuilder().instances(3)
                .property(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys).view(byId).start();
        awaitSpread(views(byId));
        Map<String, Song> expected = IntStream.range(0, KEYS).boxed()
                .collect(Collectors.toMap(ScaleOutIntegrationTest::key, ScaleOutIntegrationTest::song));
        // the songs do not change: a standby that is fully caught up answers exactly what the active would
        ReadHammer<String, Song> reads = cluster.hammer(byId, expected).through(0)
                .reading(standbys > 0 ? view -> view.withStandbyReads(0) : view -> view).start();
        try (reads) {
            reads.awaitMoreReads(500);
            cluster.stop(2);
            reads.awaitMoreReads(500);
            cluster.awaitStable();
            reads.awaitMoreReads(500);
            cluster.restart(2);
            cluster.awaitStable();
            reads.awaitMoreReads(500);
        }
        return reads.report();
    }

    private static long localKeys(ReadOnlyView<?, ?> view) {
        try (Stream<? extends Map.Entry<?, ?>> rows = view.local().all()) {
            return rows.count();
        } catch (ViewNotReadyException e) {
            return -1;
        }
    }

    private void awaitSpread(List<ReadOnlyView<String, Song>> views) {
        cluster.awaitStable();
        await().atMost(PATIENCE).until(() -> views.stream().allMatch(view -> view.status().isReady())
                && views.stream().mapToLong(ScaleOutIntegrationTest::localKeys).sum() == KEYS
                && views.stream().allMatch(view -> localKeys(view) > 0));
    }

    /**
     * A cluster of this test's service. No instance here is killed, so the group runs on the consumer's own
     * session timeout and heartbeat rather than the cluster's shorter ones: a rebalance reaches the survivors
     * as late as it would in production, which the tests of reads right after an instance left rely on.
     */
    private ViewCluster.Builder clusterBuilder() {
        return ViewCluster.builder(KAFKA.kafka()).applicationId(applicationId).stateDir(stateDir)
                .property("session.timeout.ms", 45_000).property("heartbeat.interval.ms", 3_000);
    }

    /** Starts a cluster of instances running the view, and returns the view at each of them. */
    private <K> List<ReadOnlyView<K, Song>> start(int instances, ViewDefinition<K, Song> view) {
        cluster = clusterBuilder()
                .instances(instances).view(view).start();
        return views(view);
    }

    /** Starts a cluster whose first instance reads from the others through the given transport. */
    private List<ReadOnlyView<String, Song>> start(int instances, ViewDefinition<String, Song> view,
                                                   Transport first) {
        cluster = clusterBuilder()
                .instances(instances).transport(instance -> instance == 0 ? first : HttpTransport.create())
                .view(view).start();
        return views(view);
    }

    private <K> List<ReadOnlyView<K, Song>> views(ViewDefinition<K, Song> view) {
        return IntStream.range(0, cluster.size()).mapToObj(instance -> cluster.view(instance, view)).toList();
    }

    /** @return the partitions whose keys the view holds at its own instance */
    private static SortedSet<Integer> partitionsHeldBy(ReadOnlyView<String, Song> view) {
        try (Stream<Map.Entry<String, Song>> rows = view.local().all()) {
            return rows.map(row -> partitionOf(row.getKey())).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** @return the store iterators open at the runtime, by the stores' own count */
    private static long openIterators(ViewRuntime runtime) {
        return runtime.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("num-open-iterators"))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
                .sum();
    }

    /**
     * The HTTP transport, except that while told to it refuses every scan this instance asks of another, as
     * when that instance cannot be reached.
     */
    private static final class RefusingScans implements Transport {
        private final HttpTransport http = HttpTransport.create();
        volatile boolean refuse;

        @Override
        public int serve(InetSocketAddress bind, QueryHandler handler) throws IOException {
            return http.serve(bind, handler);
        }

        @Override
        public KeyAnswer get(String instance, KeyRequest request) {
            return http.get(instance, request);
        }

        @Override
        public ScanAnswer scan(String instance, ScanRequest request) {
            if (refuse) {
                throw new RemoteQueryException(request.view(), RemoteQueryException.Reason.UNREACHABLE,
                        "Instance " + instance + " could not be reached (the test refuses its scans)");
            }
            return http.scan(instance, request);
        }

        @Override
        public void close() {
            http.close();
        }
    }

    private static List<String> allKeys() {
        return IntStream.range(0, KEYS).mapToObj(ScaleOutIntegrationTest::key).sorted().collect(Collectors.toList());
    }

    /** @return a key the default partitioner puts in the partition */
    private static String keyIn(int partition) {
        for (int i = 0; ; i++) {
            if (partitionOf("fresh-" + i) == partition) {
                return "fresh-" + i;
            }
        }
    }

    /** @return the partition the default partitioner puts the key in */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    static String key(int i) {
        return String.format("song-%03d", i);
    }

    static Song song(int i) {
        return new Song("Song " + i, i);
    }
}
