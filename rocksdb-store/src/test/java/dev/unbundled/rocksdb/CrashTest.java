package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.rocksdb.PaymentViews.Op;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Views in a separate JVM, killed with SIGKILL mid-ingest three times and restarted on the same state
 * directory, end up exactly equal to their queries over the records sent: no payment lost or counted twice,
 * no table view keeping a row its query no longer has. The views run with the runtime's defaults, which is
 * what this proves exact. {@code -Dunbundled.crash.guarantee=at_least_once} runs the same kills under
 * at-least-once, which this test then fails on (payments counted twice).
 */
class CrashTest {
    static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int KILLS = 3;
    /** Records after the first customers and accounts, sent in {@code KILLS + 1} chunks. */
    private static final int RECORDS = 4_000;
    private static final String GUARANTEE = System.getProperty("unbundled.crash.guarantee", "default");
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;
    @TempDir
    Path logs;

    private final List<ChildJvm> children = new ArrayList<>();
    private final AtomicBoolean stopSending = new AtomicBoolean();

    @AfterEach
    void killEveryChild() throws InterruptedException {
        stopSending.set(true);
        for (ChildJvm child : children) {
            child.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rocksdb", "memory"})
    void killNine_midIngestThreeTimes_everyViewEqualsItsQueryOverTheRecordsSent(String store) throws Exception {
        long started = System.nanoTime();
        String run = store + "-" + RUN.incrementAndGet();
        String applicationId = "crash-" + run;
        PaymentViews views = new PaymentViews(run);
        KAFKA.kafka().createTopics(2, views.topics().toArray(String[]::new));
        List<Op> ops = views.workload(RECORDS);
        List<List<Op>> chunks = chunks(ops, KILLS + 1);
        String[] args = {KAFKA.kafka().bootstrapServers(), applicationId, stateDir.toString(), run, store, GUARANTEE};

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            AtomicInteger sent = new AtomicInteger();
            for (int round = 0; round < KILLS; round++) {
                ChildJvm child = ChildJvm.start(logs.resolve("child-" + round + ".log"), args);
                children.add(child);
                awaitAnswering(child);
                long before = child.status().applied();
                int sentBefore = sent.get();
                List<Op> chunk = chunks.get(round);
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(producer, views, chunk, sent));
                long chunkPayments = payments(chunk);
                // mid-ingest: the child has applied a quarter of this chunk's payments and not yet the rest
                awaitChild(child, () -> child.status().applied() >= before + chunkPayments / 4);
                ChildJvm.Status atKill = child.status();
                int sentAtKill = sent.get();
                int exit = child.kill();
                long payments = payments(ops.subList(0, sentAtKill));
                System.out.printf("%s, %s: kill %d at %d s: the child had counted %d payments (%d at its start),"
                                + " lag %d; %d of %d payments sent; exit status %d%n", store, GUARANTEE, round + 1,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), atKill.applied(), before,
                        atKill.lag(), payments, payments(ops), exit);
                assertThat(exit).as("the child died of SIGKILL").isEqualTo(ChildJvm.KILLED_BY_SIGKILL);
                // the lag counts input records only: under exactly-once the counts wait for the repartition
                // topic's commit, so a child whose input lag is 0 may still not have counted what it read
                assertThat(sentAtKill < sentBefore + chunk.size() || atKill.lag() > 0
                        || atKill.applied() < before + chunkPayments)
                        .as("the kill came mid-ingest: records were still being sent, or the child had not read or"
                                + " counted them all")
                        .isTrue();
                sending.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
            send(producer, views, chunks.get(KILLS), sent);
            assertThat(sent.get()).isEqualTo(ops.size());
        }

        Map<String, Map<String, ?>> expected = views.reference(ops);
        ViewRuntime.Builder builder = CrashChild.builder(args[0], applicationId, stateDir, store, GUARANTEE);
        views.all().forEach(builder::view);
        try (ViewRuntime last = builder.start()) {
            last.awaitReady(PATIENCE);
            Map<String, Map<String, ?>> actual = snapshot(last, views);
            System.out.printf("%s, %s: %d payments sent (amounts %d), counted %d (amounts %d); %d s in all%n",
                    store, GUARANTEE, payments(ops), total(expected.get(views.paymentSum.name())),
                    total(actual.get(views.paymentCount.name())), total(actual.get(views.paymentSum.name())),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            List<String> differing = views.all().stream().map(ViewDefinition::name)
                    .filter(name -> !actual.get(name).equals(expected.get(name))).toList();
            System.out.printf("%s, %s: views that differ from their query: %s%n", store, GUARANTEE, differing);
            SoftAssertions.assertSoftly(softly -> views.all().forEach(view -> softly.assertThat(actual.get(view.name()))
                    .as("view '%s' after %d kills, %s", view.name(), KILLS, store).isEqualTo(expected.get(view.name()))));
        }
    }

    static void awaitAnswering(ChildJvm child) {
        awaitChild(child, () -> child.status() != null);
    }

    static void awaitChild(ChildJvm child, Callable<Boolean> condition) {
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).failFast(() -> !child.isAlive())
                    .until(condition);
        } catch (RuntimeException e) {
            throw new AssertionError("The child JVM died or did not get there; its log ends:\n" + child.tail(), e);
        }
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

    static Map<String, Map<String, ?>> snapshot(ViewRuntime runtime, PaymentViews views) {
        Map<String, Map<String, ?>> snapshot = new TreeMap<>();
        for (ViewDefinition<String, ?> view : views.all()) {
            snapshot.put(view.name(), rows(runtime, view));
        }
        return snapshot;
    }

    static <V> Map<String, V> rows(ViewRuntime runtime, ViewDefinition<String, V> view) {
        try (Stream<Map.Entry<String, V>> all = runtime.view(view).all()) {
            return all.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> {
                throw new AssertionError("view '" + view.name() + "' answered a key twice in one scan");
            }, TreeMap::new));
        }
    }

    static List<List<Op>> chunks(List<Op> ops, int count) {
        List<List<Op>> chunks = new ArrayList<>();
        int size = (ops.size() + count - 1) / count;
        for (int from = 0; from < ops.size(); from += size) {
            chunks.add(ops.subList(from, Math.min(ops.size(), from + size)));
        }
        return chunks;
    }

    static long payments(List<Op> ops) {
        return ops.stream().filter(Op::isPayment).count();
    }

    static long total(Map<String, ?> sums) {
        return sums.values().stream().mapToLong(value -> (Long) value).sum();
    }
}
