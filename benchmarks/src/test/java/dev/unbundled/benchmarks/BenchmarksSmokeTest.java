package dev.unbundled.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every benchmark once at a tiny size, so that none of them rots between full runs. The figures
 * of such a run mean nothing; only that each side of each figure was measured is checked, never which
 * side is faster.
 */
class BenchmarksSmokeTest {
    private static Results results;
    private static String log;

    @TempDir
    static Path reports;

    @BeforeAll
    static void runEverythingOnceAtTinySize() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        results = Benchmarks.run(Settings.smoke(), new PrintStream(out, true, StandardCharsets.UTF_8));
        log = out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void run_tinySizes_everyRunProducesFigures() {
        assertThat(results.figures().stream().map(Figure::run).distinct().collect(Collectors.toList()))
                .as(log).containsExactlyElementsOf(Settings.RUNS);
    }

    @Test
    void run_tinySizes_everyFigureHasAPositiveValueOnBothSides_cpuAtLeastZero() {
        // process CPU time advances in clock ticks (10 ms): a floor reading a few hundred records can take less
        // than one, so at these sizes a CPU figure may be 0 on one side, never negative
        assertThat(results.figures()).as(log).allSatisfy(figure -> {
            boolean cpu = figure.unit().startsWith("CPU");
            assertThat(figure.measured().value()).as(figure.metric()).isFinite()
                    .isGreaterThanOrEqualTo(0).satisfies(v -> assertThat(cpu || v > 0).as(figure.metric()).isTrue());
            if (figure.baseline() != null) {
                assertThat(figure.baseline().value()).as(figure.metric()).isFinite()
                        .isGreaterThanOrEqualTo(0).satisfies(v -> assertThat(cpu || v > 0).as(figure.metric()).isTrue());
            }
        });
    }

    @Test
    void run_tinySizes_readsCompareTheViewWithTheRawStoreAndTheFloor() {
        assertThat(comparisons("reads")).contains(
                "get, mean: ReadOnlyView.get / raw store get",
                "get, p50: ReadOnlyView.get / raw store get",
                "get vs the floor: ReadOnlyView.get / HashMap.get",
                "range of 1000 entries: ReadOnlyView.range / raw store range");
    }

    @Test
    void run_tinySizes_readsAndIndexesCompareTheReadCacheAndTheIndexWithTheirAlternatives() {
        assertThat(comparisons("reads")).contains(
                "get, rows kept decoded vs read cache off: ReadOnlyView.get / ReadOnlyView.get, withReadCache(false)",
                "range of 100 entries, rows kept decoded vs read cache off: ReadOnlyView.range"
                        + " / ReadOnlyView.range, withReadCache(false)",
                "index get (the products of one price) vs a re-keyed view's prefix scan: ReadOnlyIndex.get"
                        + " / second view's prefixScan");
        String sides = ": view with an index by price / view and a second view re-keyed by price";
        assertThat(comparisons("index")).containsExactly(
                "products kept with their index by price while running, throughput" + sides,
                "products kept with their index by price while running, CPU (process, broker included)" + sides,
                "products kept with their index by price while running, CPU (Streams threads only)" + sides);
    }

    @Test
    void run_tinySizes_readsAndMaterialiseRunOnRocksDbToo() {
        assertThat(comparisons("reads")).contains(
                "get on RocksDB, mean: ReadOnlyView.get / raw store get",
                "get on RocksDB vs in memory, mean: ReadOnlyView.get on RocksDB / ReadOnlyView.get in memory",
                "range of 10 entries on RocksDB: ReadOnlyView.range / raw store range",
                "range of 100 entries on RocksDB: ReadOnlyView.range / raw store range",
                "range of 1000 entries on RocksDB: ReadOnlyView.range / raw store range");
        assertThat(comparisons("materialise")).contains(
                "products materialised, start to complete, throughput: Unbundled / hand-written Kafka Streams",
                "products materialised on RocksDB, start to complete, throughput: "
                        + "Unbundled / hand-written Kafka Streams",
                "products materialised on RocksDB, start to complete, CPU (Streams threads only): "
                        + "Unbundled / hand-written Kafka Streams");
    }

    @Test
    void run_tinySizes_materialiseMeasuresAViewKeptUpToDateWhileRunningInMemoryAndOnRocksDb() {
        String sides = ": Unbundled / hand-written Kafka Streams";
        assertThat(comparisons("materialise")).contains(
                "products materialised while running (sent after start), throughput" + sides,
                "products materialised while running (sent after start), CPU (process, broker included)" + sides,
                "products materialised while running (sent after start), CPU (Streams threads only)" + sides,
                "products materialised on RocksDB while running (sent after start), throughput" + sides,
                "products materialised on RocksDB while running (sent after start), CPU (Streams threads only)"
                        + sides);
        Figure rate = results.figures().stream()
                .filter(f -> f.metric().equals("products materialised while running (sent after start), throughput"))
                .findFirst().orElseThrow();
        assertThat(rate.unit()).isEqualTo("records/s");
        assertThat(rate.target()).isEqualTo(Target.ratioAtLeast(0.9));
        assertThat(rate.details()).containsEntry("recordsPerRun", List.of((double) Settings.smoke().liveProducts()));
        // one run of each side per store and round (no warm-up at smoke size), each on an empty topic of its own,
        // and in memory the same again for the read cache on and off
        assertThat(log.lines().filter(line -> line.startsWith("[bench] materialise while running, live-")))
                .as(log).hasSize(2 * 3 * Settings.smoke().rounds());
        assertThat(comparisons("materialise")).contains("products materialised while running, rows kept decoded vs"
                + " read cache off, throughput: rows kept decoded / withReadCache(false)");
    }

    @Test
    void run_tinySizes_rebuildComparesWithBothFloorsInMemoryAndOnRocksDb() {
        String bytes = "KafkaConsumer, bytes only";
        String fill = "KafkaConsumer into a HashMap, deserialised";
        assertThat(comparisons("rebuild")).contains(
                "rebuild, new application id, start to complete: Unbundled / " + bytes,
                "rebuild, new application id, start to complete, vs a HashMap fill: Unbundled / " + fill,
                "rebuild, local state lost, restored, start to complete: Unbundled / " + bytes,
                "rebuild on RocksDB, new application id, start to complete, vs a HashMap fill: Unbundled / " + fill,
                "rebuild on RocksDB, local state lost, restored, start to complete: Unbundled / " + bytes,
                "rebuild on RocksDB, local state lost, restored, CPU (process, broker included): Unbundled / " + fill,
                "rebuild on RocksDB, local state lost, restored, start to complete, vs a HashMap of the bytes: Unbundled / "
                        + "KafkaConsumer into a HashMap, bytes");
    }

    @Test
    void run_tinySizes_maintenanceRunsSayTheyMeasureFromStartToComplete() {
        String sides = ": Unbundled / hand-written Kafka Streams";
        assertThat(comparisons("join")).contains(
                "orders joined, start to complete, throughput" + sides,
                "orders joined, start to complete, CPU (process, broker included)" + sides);
        assertThat(comparisons("aggregate")).contains(
                "plays counted per song and ranked per genre, start to complete, throughput" + sides);
    }

    @Test
    void run_tinySizes_rebuildComparesAForeignKeyJoinViewWithHandWrittenOnTimeAndCpu() {
        String what = "rebuild of a foreign-key-join view (order notes), new application id";
        String sides = ": Unbundled / hand-written Kafka Streams";
        assertThat(comparisons("rebuild")).contains(
                what + ", start to complete" + sides,
                what + ", CPU (process, broker included)" + sides,
                what + ", CPU (Streams threads only)" + sides);
        Figure rate = results.figures().stream()
                .filter(f -> f.metric().equals(what + ", start to complete")).findFirst().orElseThrow();
        assertThat(rate.unit()).isEqualTo("records/s");
        assertThat(rate.target()).isEqualTo(Target.ratioAtLeast(1.0));
        assertThat(rate.details()).containsEntry("records", Settings.smoke().orders());
    }

    @Test
    void run_tinySizes_rebuildRunsEveryRebuildUnderAnApplicationIdNeverUsedBefore() {
        List<String> fresh = log.lines().filter(line -> line.startsWith("[bench] rebuild, rebuild-notes-"))
                .map(line -> line.substring("[bench] rebuild, ".length(), line.indexOf(':'))).toList();
        // a warm-up round and the measured ones, each with both sides
        assertThat(fresh).as(log).hasSize(2 * (Settings.smoke().rounds() + 1)).doesNotHaveDuplicates();
    }

    @Test
    void run_tinySizes_exactlyOnceComparesWithAtLeastOnceThroughputAndRepartitionDelay() {
        String tuned = "exactly_once_v2, commit.interval.ms=" + Settings.smoke().eosCommitMillis();
        assertThat(comparisons("exactly-once")).contains(
                "products materialised, throughput: exactly_once_v2 (default) / at_least_once",
                "plays counted per song (through a repartition), throughput: exactly_once_v2 (default) / at_least_once",
                "plays counted per song (through a repartition), throughput: " + tuned + " / at_least_once",
                "send to visible through a repartition (re-keyed view) at 200 records/s, p50: "
                        + "exactly_once_v2 (default) / at_least_once",
                "send to visible through a repartition (re-keyed view) at 200 records/s, p99: " + tuned
                        + " / at_least_once");
    }

    @Test
    void run_tinySizes_routedReadsCompareRoutedWithLocalReads() {
        String here = "get of a key held here, routed view vs local()";
        String there = "get of a key held by the other instance (one HTTP hop) vs local()";
        String routedHere = ": routed view, key held here / local(), key held here";
        String routedThere = ": routed view, key held by the other instance / local(), key held here";
        assertThat(comparisons("routed")).containsExactly(
                here + ", p50" + routedHere, here + ", p99" + routedHere, here + ", p99.9" + routedHere,
                here + ", throughput of one reader thread" + routedHere,
                there + ", p50" + routedThere, there + ", p99" + routedThere, there + ", p99.9" + routedThere,
                there + ", throughput of one reader thread" + routedThere);
    }

    @Test
    void reports_tinyRun_writeJsonAndMarkdownWithEveryFigure() throws Exception {
        Path json = reports.resolve("results/latest.json");
        Path markdown = reports.resolve("BENCHMARKS.md");

        JsonReport.write(results, json);
        MarkdownReport.write(results, markdown);

        assertThat(Files.readString(json)).contains("\"figures\"", "\"ratio\"", "\"machine\"", "statestore.cache.max.bytes");
        assertThat(Files.readString(markdown)).contains("| reads | get, mean |", "| freshness |", "Kafka",
                        "| reads | get on RocksDB, mean |",
                        "| materialise | products materialised on RocksDB, start to complete, throughput |",
                        "| materialise | products materialised on RocksDB while running (sent after start), throughput |",
                        "| rebuild | rebuild of a foreign-key-join view (order notes), new application id, "
                                + "start to complete |",
                        "| exactly-once | products materialised, throughput |",
                        "| routed | get of a key held here, routed view vs local(), p99 |",
                        "| routed | get of a key held by the other instance (one HTTP hop) vs local(), throughput")
                .doesNotContain("{{");
    }

    /** @return each figure of a run as {@code metric: measured side / baseline side} */
    private static List<String> comparisons(String run) {
        return results.figures().stream().filter(f -> f.run().equals(run))
                .map(f -> f.metric() + ": " + f.measured().name() + " / " + (f.baseline() == null ? "-" : f.baseline().name()))
                .collect(Collectors.toList());
    }
}
