package dev.unbundled.benchmarks;

import dev.unbundled.benchmarks.reads.ReadBenchmarks;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every benchmark once, on an embedded broker in this JVM, and writes the figures as JSON and as
 * Markdown. Sizes come from {@link Settings}; where the reports go from {@code bench.json} and
 * {@code bench.markdown}.
 *
 * <pre>{@code
 * mvn -B -q -pl benchmarks -am package -DskipTests exec:exec
 * }</pre>
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    /**
     * @param args none
     */
    public static void main(String[] args) {
        Results results = run(Settings.fromSystemProperties(), System.out);
        Path json = Path.of(System.getProperty("bench.json", "results/latest.json"));
        Path markdown = Path.of(System.getProperty("bench.markdown", "BENCHMARKS.md"));
        JsonReport.write(results, json);
        MarkdownReport.write(results, markdown);
        System.out.printf("[bench] done in %.0f s; wrote %s and %s%n", results.seconds(), json.toAbsolutePath().normalize(),
                markdown.toAbsolutePath().normalize());
        // Kafka's and JMH's leftover non-daemon threads must not keep the JVM alive
        System.exit(0);
    }

    /**
     * Runs the benchmarks the settings include.
     *
     * @param settings the sizes
     * @param log where progress goes
     * @return the results
     */
    public static Results run(Settings settings, PrintStream log) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        Machine machine = Machine.current();
        List<Figure> figures = new ArrayList<>();
        try (Lab lab = Lab.start(settings, log)) {
            lab.log("machine: %s", machine);
            lab.log("settings: %s", settings);
            for (Scenario scenario : scenarios()) {
                if (settings.includes(scenario.name())) {
                    long begun = System.nanoTime();
                    lab.log("%s: starting", scenario.name());
                    figures.addAll(scenario.run(lab));
                    lab.log("%s: done in %.1f s", scenario.name(), (System.nanoTime() - begun) / 1e9);
                }
            }
        }
        return new Results(started, (System.nanoTime() - start) / 1e9, machine, settings,
                HandWritten.sharedSettings(), figures);
    }

    /** @return every run, in the order of {@link Settings#RUNS} */
    static List<Scenario> scenarios() {
        return List.of(new ReadBenchmarks(), new MaterialiseRun(), new IndexRun(), new JoinRun(), new AggregateRun(), new RebuildRun(),
                new FreshnessRun(), new ExactlyOnceRun(), new RoutedReadsRun());
    }
}
