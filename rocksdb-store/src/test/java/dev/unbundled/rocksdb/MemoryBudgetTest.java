package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Twenty RocksDB views x three partitions over a data set more than three times the budget, every row of
 * which each view reads back: the usage RocksDB reports for the shared block cache ({@code block-cache-usage},
 * which includes the memtables charged to it) stays within the budget at every sampling, while the same views
 * on Kafka Streams' per-store defaults hold several times the budget (block caches plus memtables, which those
 * defaults keep outside any cache). RocksDB's figures are read from Kafka Streams' metrics, per store
 * ({@code rocksdb-state-id}), every 100 ms throughout each run; the peaks are compared.
 */
class MemoryBudgetTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final long BUDGET = 16L << 20;
    private static final int VIEWS = 20;
    private static final int PARTITIONS = 3;
    private static final int ITEMS = 3_000;
    /** Characters a value, random: the views' copies (54 MiB) cannot compress into the budget. */
    private static final int VALUE_LENGTH = 1_000;
    private static final Topic<String, String> ITEMS_TOPIC = Topic.of("budget-items", Serdes.String(), Serdes.String());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    /**
     * The test measures memory, not the disk: RocksDB syncs every file a flush writes, and a tight budget
     * flushes hundreds of small memtables, which on a busy shared disk turned 10-13 s into 40-60 s.
     */
    @TempDir(factory = RamDiskIfAny.class)
    Path stateDir;

    /** A directory on {@code /dev/shm} where there is one (Linux), else in the default temporary directory. */
    static final class RamDiskIfAny implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
            Path ramDisk = Path.of("/dev/shm");
            return Files.isDirectory(ramDisk) && Files.isWritable(ramDisk)
                    ? Files.createTempDirectory(ramDisk, "unbundled-memory-budget")
                    : Files.createTempDirectory("unbundled-memory-budget");
        }
    }

    @BeforeAll
    static void fill() {
        KAFKA.kafka().createTopic(ITEMS_TOPIC.name(), PARTITIONS);
        Catalogue.fill(KAFKA.kafka(), ITEMS_TOPIC.name(), 0, ITEMS, i -> Catalogue.randomValue(i, VALUE_LENGTH));
    }

    @Test
    void manyViews_withBudget_blockCacheUsageStaysWithinIt() {
        Figures figures = run("budget-bounded", Map.of());
        System.out.printf("MemoryBudgetTest with a %d MiB budget: %d RocksDB stores read back %.1f MiB; shared block"
                        + " cache peak usage %d of %d bytes (%.1f%% of the budget, memtables included: they peaked at"
                        + " %.2f MiB); table readers outside the cache %.2f MiB%n",
                BUDGET >> 20, figures.stores, mib(figures.dataBytes), figures.peakCache, BUDGET,
                100.0 * figures.peakCache / BUDGET, mib(figures.peakMemtables), mib(figures.peakReaders));

        assertThat(figures.dataBytes).as("data the views read back").isGreaterThan(3 * BUDGET);
        assertThat(figures.stores).as("RocksDB stores").isGreaterThanOrEqualTo(VIEWS * PARTITIONS);
        assertThat(figures.minCapacity).as("every store's block cache is the shared one, of the budget's size")
                .isEqualTo(figures.maxCapacity).isEqualTo(BUDGET);
        assertThat(figures.peakCache).as("peak usage of the shared block cache (with the memtables charged to it)")
                .isGreaterThan(BUDGET / 2).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void manyViews_withKafkaDefaults_holdSeveralTimesTheBudget() {
        Figures figures = run("budget-unbounded", Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, NoTuning.class));
        long peak = figures.peakTotal;
        System.out.printf("MemoryBudgetTest without a budget: %d RocksDB stores read back %.1f MiB; peak usage %.2f MiB"
                        + " (%.1fx the %d MiB budget): block caches %.2f MiB, memtables %.2f MiB, table readers %.2f MiB;"
                        + " block cache capacity %d MiB in all%n",
                figures.stores, mib(figures.dataBytes), mib(peak), (double) peak / BUDGET, BUDGET >> 20,
                mib(figures.peakCache), mib(figures.peakMemtables), mib(figures.peakReaders), figures.sumCapacity >> 20);

        assertThat(figures.stores).isGreaterThanOrEqualTo(VIEWS * PARTITIONS);
        assertThat(figures.sumCapacity).as("a block cache for every store").isGreaterThan(10 * BUDGET);
        assertThat(peak).as("memory RocksDB holds for the same views without the budget").isGreaterThan(3 * BUDGET);
    }

    /**
     * Peaks over the run, each the largest of one figure at one sampling: {@code peakCache} is the shared
     * cache's usage with a budget (every store reports the shared cache: the largest report), the sum over the
     * stores' own caches without; {@code peakTotal} is, without a budget, caches, memtables and table readers
     * added up at one sampling.
     */
    private record Figures(int stores, long minCapacity, long maxCapacity, long sumCapacity, long peakCache,
                           long peakMemtables, long peakReaders, long peakTotal, long dataBytes) {
    }

    private Figures run(String applicationId, Map<String, Object> properties) {
        List<ViewDefinition<String, String>> views = IntStream.range(0, VIEWS)
                .mapToObj(n -> View.from(ITEMS_TOPIC).filter((key, value) -> shelf(key) != n)
                        .materialize("shelf-" + n).withStore(RocksDb.store().withMemoryBudget(BUDGET)))
                .toList();
        ViewRuntime.Builder builder = ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir);
        views.forEach(builder::view);
        properties.forEach(builder::property);
        boolean sharedCache = properties.isEmpty();
        AtomicLong peakCache = new AtomicLong();
        AtomicLong peakMemtables = new AtomicLong();
        AtomicLong peakReaders = new AtomicLong();
        AtomicLong peakTotal = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (ViewRuntime runtime = builder.start()) {
            Runnable sample = () -> {
                Map<MetricName, ? extends Metric> metrics = runtime.metrics();
                List<Long> caches = values(metrics, "block-cache-usage");
                long cache = sharedCache ? max(caches) : sum(caches);
                long memtables = sum(values(metrics, "size-all-mem-tables"));
                long tableReaders = sum(values(metrics, "estimate-table-readers-mem"));
                peakCache.accumulateAndGet(cache, Math::max);
                peakMemtables.accumulateAndGet(memtables, Math::max);
                peakReaders.accumulateAndGet(tableReaders, Math::max);
                peakTotal.accumulateAndGet(cache + memtables + tableReaders, Math::max);
                samples.incrementAndGet();
            };
            sampler.scheduleAtFixedRate(() -> {
                try {
                    sample.run();
                } catch (RuntimeException e) {
                    // a store closing under the sampler while tasks move; the next sampling reads the rest
                }
            }, 0, 100, TimeUnit.MILLISECONDS);

            List<ReadOnlyView<String, String>> readers = views.stream()
                    .map(view -> runtime.view(view).awaitReady(PATIENCE)).toList();
            for (int n = 0; n < VIEWS; n++) {
                ReadOnlyView<String, String> view = readers.get(n);
                int shelf = n;
                long expected = IntStream.range(0, ITEMS).filter(i -> shelf(Catalogue.key(i)) != shelf).count();
                await().atMost(PATIENCE).until(() -> scan(view) == expected);
            }
            long dataBytes = 0;
            for (ReadOnlyView<String, String> view : readers) {
                for (int i = 0; i < ITEMS; i++) {
                    dataBytes += view.get(Catalogue.key(i)).map(String::length).orElse(0);
                }
                scan(view);
            }
            sampler.shutdown();
            sample.run();
            assertThat(samples.get()).as("samplings of RocksDB's memory figures").isGreaterThan(20);

            List<Long> capacities = values(runtime.metrics(), "block-cache-capacity");
            return new Figures(capacities.size(), capacities.stream().mapToLong(Long::longValue).min().orElse(0),
                    max(capacities), sum(capacities), peakCache.get(), peakMemtables.get(), peakReaders.get(),
                    peakTotal.get(), dataBytes);
        } finally {
            sampler.shutdownNow();
        }
    }

    /** @return the one of the twenty views that leaves the item out */
    private static int shelf(String key) {
        return Math.floorMod(key.hashCode(), VIEWS);
    }

    /** Reads the whole view, every block of it through the block cache. */
    private static long scan(ReadOnlyView<String, String> view) {
        try (var all = view.all()) {
            return all.count();
        }
    }

    private static List<Long> values(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().tags().containsKey("rocksdb-state-id"))
                .map(e -> ((Number) e.getValue().metricValue()).longValue())
                .toList();
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
