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
    void run_tinySizes_everyFigureHasAPositiveValueOnBothSides() {
        assertThat(results.figures()).as(log).allSatisfy(figure -> {
            assertThat(figure.measured().value()).as(figure.metric()).isPositive().isFinite();
            if (figure.baseline() != null) {
                assertThat(figure.baseline().value()).as(figure.metric()).isPositive().isFinite();
            }
        });
    }

    @Test
    void run_tinySizes_readsCompareTheViewWithTheRawStoreAndTheFloor() {
        List<String> reads = results.figures().stream().filter(f -> f.run().equals("reads"))
                .map(f -> f.metric() + ": " + f.measured().name() + " / " + (f.baseline() == null ? "-" : f.baseline().name()))
                .collect(Collectors.toList());
        assertThat(reads).contains(
                "get, mean: ReadOnlyView.get / raw store get",
                "get, p50: ReadOnlyView.get / raw store get",
                "get vs the floor: ReadOnlyView.get / HashMap.get",
                "range of 1000 entries: ReadOnlyView.range / raw store range");
    }

    @Test
    void reports_tinyRun_writeJsonAndMarkdownWithEveryFigure() throws Exception {
        Path json = reports.resolve("results/latest.json");
        Path markdown = reports.resolve("BENCHMARKS.md");

        JsonReport.write(results, json);
        MarkdownReport.write(results, markdown);

        assertThat(Files.readString(json)).contains("\"figures\"", "\"ratio\"", "\"machine\"", "statestore.cache.max.bytes");
        assertThat(Files.readString(markdown)).contains("| reads | get, mean |", "| freshness |", "Kafka")
                .doesNotContain("{{");
    }
}
