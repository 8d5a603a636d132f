package dev.unbundled.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@link Results} as {@code BENCHMARKS.md}: the explanations in {@code BENCHMARKS.template.md}
 * (a resource, edited as prose) with the machine, the settings and the table of figures filled in.
 */
public final class MarkdownReport {
    private static final String TEMPLATE = "/BENCHMARKS.template.md";

    private MarkdownReport() {
    }

    /**
     * @param results the results
     * @param file where to write them
     */
    public static void write(Results results, Path file) {
        Map<String, List<String>> kept = keptRows(results, file);
        String run = String.format(Locale.ROOT, "%s, %.0f s in all", results.startedAt(), results.seconds());
        if (!kept.isEmpty()) {
            run += String.format(Locale.ROOT, " (runs %s only; the rows of %s are kept from the earlier run of %s, "
                            + "whose machine and settings they had)", results.settings().only().stream().sorted().toList(),
                    kept.keySet(), earlierRun(file));
        }
        String text = template()
                .replace("{{machine}}", machine(results.machine()))
                .replace("{{run}}", run)
                .replace("{{settings}}", settings(results))
                .replace("{{table}}", table(results, kept));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    private static String template() {
        try (InputStream in = MarkdownReport.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String machine(Machine machine) {
        return "| cores | CPU | memory | JVM | heap | OS | Kafka |\n|---|---|---|---|---|---|---|\n"
                + String.format(Locale.ROOT, "| %d | %s | %d GiB | %s | %d MiB | %s | %s |", machine.cores(), machine.cpu(),
                machine.memoryGiB(), machine.jvm(), machine.maxHeapMiB(), machine.os(), machine.kafka());
    }

    private static String settings(Results results) {
        Settings s = results.settings();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "- sizes: %,d products materialised and rebuilt (%,d on RocksDB), "
                        + "%,d sent to a running view (in memory and on RocksDB); "
                        + "%,d orders joined with %,d products, then %,d products renamed; %,d plays of %,d songs in %d "
                        + "genres; reads over %,d products; freshness %.0f s per rate at %s records/s; exactly-once "
                        + "run over %,d products and %,d plays, %.0f s of freshness per setting; routed reads "
                        + "over %,d products in %d partitions on two instances, %.1f s of each kind%n",
                s.products(), s.rocksDbProducts(), s.liveProducts(), s.orders(), s.joinProducts(), s.renames(),
                s.plays(), s.songs(), s.genres(), s.readRecords(), s.freshnessSeconds(), s.freshnessRates(), s.eosRecords(), s.eosRecords(),
                s.eosSeconds(), s.routedProducts(), s.routedPartitions(), s.routedSeconds()));
        text.append("- stores of the read and materialise runs: ").append(s.stores().stream().map(Storage::id)
                .collect(Collectors.joining(", "))).append('\n');
        text.append(String.format(Locale.ROOT, "- %d partitions per topic; %d measured A/B rounds per end-to-end run "
                        + "after a warm-up run of each side at %d%% size; medians reported%n",
                s.partitions(), s.rounds(), s.warmupPercent()));
        text.append(String.format(Locale.ROOT, "- JMH: %d fork(s) per benchmark, %d warm-up and %d measured "
                        + "iterations of %d ms, profilers %s%n",
                s.jmhForks(), s.jmhWarmups(), s.jmhIterations(), s.jmhIterationMillis(), s.jmhProfilers()));
        text.append("- Kafka Streams settings of the hand-written side, as Unbundled sets them by default (Unbundled's "
                + "own store suppliers route every store of these runs to the same in-memory ones; everything else is "
                + "Kafka Streams' default on both sides): ");
        StringBuilder shared = new StringBuilder();
        for (Map.Entry<String, Object> setting : results.streamsSettings().entrySet()) {
            shared.append(shared.length() == 0 ? "" : ", ").append('`').append(setting.getKey()).append('=')
                    .append(setting.getValue().toString().replaceAll(".*\\$", "")).append('`');
        }
        return text.append(shared).append('\n').toString();
    }

    /**
     * A run of some runs only ({@code bench.only}) keeps the other runs' rows of the file it replaces, so that
     * measuring one thing again does not drop the rest.
     *
     * @return the kept rows by run, in the order of {@link Settings#RUNS}; empty if every run was done
     */
    private static Map<String, List<String>> keptRows(Results results, Path file) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        if (results.settings().only().isEmpty() || !Files.exists(file)) {
            return kept;
        }
        List<String> lines = lines(file);
        for (String run : Settings.RUNS) {
            if (!results.settings().includes(run)) {
                List<String> rows = lines.stream().filter(line -> line.startsWith("| " + run + " | ")).toList();
                if (!rows.isEmpty()) {
                    kept.put(run, rows);
                }
            }
        }
        return kept;
    }

    /** @return the line under "## This run" of the file being replaced: when its run was */
    private static String earlierRun(Path file) {
        List<String> lines = lines(file);
        int heading = lines.indexOf("## This run");
        return heading < 0 || heading + 2 >= lines.size() ? "unknown" : lines.get(heading + 2).replaceAll(" \\(runs .*", "");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    private static String table(Results results, Map<String, List<String>> kept) {
        StringBuilder table = new StringBuilder(
                "| run | figure | unit | measured | baseline | ratio | target | met |\n|---|---|---|---|---|---|---|---|\n");
        for (String run : Settings.RUNS) {
            for (String row : kept.getOrDefault(run, List.of())) {
                table.append(row).append('\n');
            }
            results.figures().stream().filter(figure -> figure.run().equals(run)).forEach(figure -> row(table, figure));
        }
        return table.toString();
    }

    private static void row(StringBuilder table, Figure figure) {
        table.append("| ").append(figure.run())
                .append(" | ").append(figure.metric())
                .append(" | ").append(figure.unit())
                .append(" | ").append(side(figure.measured()))
                .append(" | ").append(figure.baseline() == null ? "" : side(figure.baseline()))
                .append(" | ").append(figure.baseline() == null ? "" : String.format(Locale.ROOT, "%.2fx", figure.ratio()))
                .append(" | ").append(figure.target() == null ? "" : figure.target().text())
                .append(" | ").append(figure.target() == null ? "" : figure.meetsTarget() ? "yes" : "**no**")
                .append(" |\n");
    }

    private static String side(Figure.Side side) {
        return "**" + number(side.value()) + "** " + side.name();
    }

    /**
     * @param value a figure
     * @return it with as many digits as mean something
     */
    static String number(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, magnitude >= 10 ? "%.1f" : "%.2f", value);
    }
}
