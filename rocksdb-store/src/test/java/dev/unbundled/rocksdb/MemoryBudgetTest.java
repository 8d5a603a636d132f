package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many RocksDB views under one budget: RocksDB's own block-cache figures (the {@code block-cache-usage} and
 * {@code block-cache-capacity} properties, as Kafka Streams reports them per store) stay within it, where
 * Kafka Streams' per-store defaults give every store a cache of its own.
 */
class MemoryBudgetTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final long BUDGET = 32L << 20;
    private static final int VIEWS = 20;
    private static final int PARTITIONS = 3;
    private static final int ITEMS = 5_000;
    private static final Topic<String, String> ITEMS_TOPIC = Topic.of("budget-items", Serdes.String(), Serdes.String());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;

    @BeforeAll
    static void fill() {
        KAFKA.kafka().createTopic(ITEMS_TOPIC.name(), PARTITIONS);
        Catalogue.fill(KAFKA.kafka(), ITEMS_TOPIC.name(), 0, ITEMS);
    }

    @Test
    void manyViews_withBudget_blockCacheStaysWithinIt() {
        CacheFigures figures = run("budget-bounded", Map.of());
        System.out.printf("With a budget of %d MiB: %d RocksDB stores, shared cache capacity %d MiB, peak usage %.1f MiB%n",
                BUDGET >> 20, figures.stores, figures.maxCapacity >> 20, figures.maxUsage / 1048576.0);

        assertThat(figures.stores).as("RocksDB stores").isGreaterThanOrEqualTo(VIEWS * PARTITIONS);
        assertThat(figures.maxCapacity).as("every store's cache is the shared one").isEqualTo(BUDGET);
        assertThat(figures.minCapacity).isEqualTo(BUDGET);
        assertThat(figures.maxUsage).as("block cache usage").isPositive().isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void manyViews_withKafkaDefaults_everyStoreHasItsOwnCache() {
        CacheFigures figures = run("budget-unbounded",
                Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, NoTuning.class));
        System.out.printf("With Kafka Streams' defaults: %d RocksDB stores, %d MiB of cache capacity each, %d MiB in all%n",
                figures.stores, figures.maxCapacity >> 20, figures.sumCapacity >> 20);

        assertThat(figures.sumCapacity).as("total block cache capacity").isGreaterThan(10 * BUDGET);
    }

    private record CacheFigures(int stores, long minCapacity, long maxCapacity, long sumCapacity, long maxUsage) {
    }

    private CacheFigures run(String applicationId, Map<String, Object> properties) {
        List<ViewDefinition<String, String>> views = IntStream.range(0, VIEWS)
                .mapToObj(n -> View.from(ITEMS_TOPIC).filter((key, value) -> key.hashCode() % VIEWS != n)
                        .materialize("shelf-" + n).withStore(RocksDb.store().withMemoryBudget(BUDGET)))
                .toList();
        ViewRuntime.Builder builder = ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir);
        views.forEach(builder::view);
        properties.forEach(builder::property);
        try (ViewRuntime runtime = builder.start()) {
            List<ReadOnlyView<String, String>> readers = new ArrayList<>();
            views.forEach(view -> readers.add(runtime.view(view).awaitReady(PATIENCE)));
            // every view holds nine in ten items or more, and has seen the last one of each partition
            await().atMost(PATIENCE).until(() -> readers.stream()
                    .allMatch(view -> view.get(Catalogue.key(ITEMS - 1)).isPresent() || view.get(Catalogue.key(ITEMS - 2)).isPresent()));
            readers.forEach(view -> IntStream.range(0, ITEMS).filter(i -> i % 10 == 0)
                    .forEach(i -> view.get(Catalogue.key(i))));
            return figures(runtime.metrics());
        }
    }

    private static CacheFigures figures(Map<MetricName, ? extends Metric> metrics) {
        List<Long> capacities = values(metrics, "block-cache-capacity");
        List<Long> usages = values(metrics, "block-cache-usage");
        return new CacheFigures(capacities.size(),
                capacities.stream().mapToLong(Long::longValue).min().orElse(0),
                capacities.stream().mapToLong(Long::longValue).max().orElse(0),
                capacities.stream().mapToLong(Long::longValue).sum(),
                usages.stream().mapToLong(Long::longValue).max().orElse(0));
    }

    private static List<Long> values(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().tags().containsKey("rocksdb-state-id"))
                .map(e -> ((Number) e.getValue().metricValue()).longValue())
                .toList();
    }
}
