package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Run 5, freshness: the delay from sending a record until a read of the view sees it, at steady send
 * rates, for Unbundled with its default settings and the hand-written application with the same. Each
 * side gets a topic and an application of its own, warms up for a few seconds at each rate, then is
 * measured.
 */
public final class FreshnessRun implements Scenario {
    private static final double[] PERCENTILES = {50, 99, 99.9};

    @Override
    public String name() {
        return "freshness";
    }

    @Override
    public List<Figure> run(Lab lab) {
        Settings settings = lab.settings();
        // Unbundled with its defaults, then with each set of bench.freshnessCompare, then hand-written (null)
        List<Map<String, String>> sides = new ArrayList<>();
        sides.add(Map.of());
        sides.addAll(Contenders.propertySets("bench.freshnessCompare"));
        sides.add(null);
        Map<Integer, Map<Map<String, String>, Latencies>> byRate = new HashMap<>();
        for (int round = 0; round < Math.max(1, settings.rounds() / 2); round++) {
            List<Map<String, String>> order = new ArrayList<>(sides);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (Map<String, String> side : order) {
                measure(lab, side, byRate);
            }
        }
        List<Figure> figures = new ArrayList<>();
        for (int rate : settings.freshnessRates()) {
            Latencies theirs = byRate.get(rate).get(null);
            for (Map<String, String> side : sides.subList(0, sides.size() - 1)) {
                Latencies ours = byRate.get(rate).get(side);
                for (double percentile : PERCENTILES) {
                    figures.add(figure(rate, percentile, side, ours, theirs));
                }
            }
        }
        return figures;
    }

    private Figure figure(int rate, double percentile, Map<String, String> side, Latencies ours, Latencies theirs) {
        Target target = side.isEmpty() && percentile == 99 && rate >= 10_000 ? Target.valueAtMost(20, "ms") : null;
        String p = percentile == Math.rint(percentile) ? String.valueOf((int) percentile) : String.valueOf(percentile);
        return new Figure(name(), "send to visible at " + rate + " records/s"
                + (side.isEmpty() ? "" : " (context: Unbundled with " + side + ")") + ", p" + p, "ms", false,
                new Figure.Side(Contenders.UNBUNDLED, ours.percentileMillis(percentile)),
                new Figure.Side(Contenders.HAND_WRITTEN, theirs.percentileMillis(percentile)), target,
                Map.of("samplesUnbundled", ours.count(), "samplesBaseline", theirs.count(),
                        "maxUnbundledMs", ours.percentileMillis(100), "maxBaselineMs", theirs.percentileMillis(100)));
    }

    /**
     * @param side the properties Unbundled runs with, or null for the hand-written application
     */
    private static void measure(Lab lab, Map<String, String> side,
                                Map<Integer, Map<Map<String, String>, Latencies>> byRate) {
        Settings settings = lab.settings();
        lab.settle();
        boolean unbundled = side != null;
        Topic<String, Product> topic = Model.products(lab.topic("fresh"));
        String applicationId = lab.name(unbundled ? "freshness-unbundled" : "freshness-streams");
        try (Contender app = unbundled
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"), side,
                        UnbundledViews.products(topic))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.products(topic.name()))) {
            app.awaitReady(MaterialiseRun.START);
            Contender.Reader<String, Product> view = app.reader(UnbundledViews.PRODUCTS);
            FreshnessProbe probe = new FreshnessProbe(lab.kafka(), topic.name(), settings.partitions());
            double warmup = Math.min(3, settings.freshnessSeconds());
            // whichever side runs first would otherwise be measured on code the JIT has not compiled yet
            int fastest = settings.freshnessRates().stream().mapToInt(Integer::intValue).max().orElseThrow();
            probe.run(view, lab.name("jit") + "-", fastest, warmup);
            for (int rate : settings.freshnessRates()) {
                probe.run(view, lab.name("warm") + "-", rate, warmup);
                Latencies delays = probe.run(view, lab.name("k") + "-", rate, settings.freshnessSeconds());
                lab.log("freshness, %s at %d/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (%d records)",
                        side == null || side.isEmpty() ? app.kind() : app.kind() + " with " + side, rate,
                        delays.percentileMillis(50), delays.percentileMillis(99), delays.percentileMillis(99.9),
                        delays.count());
                byRate.computeIfAbsent(rate, r -> new HashMap<>()).merge(side, delays, (all, more) -> {
                    all.addAll(more);
                    return all;
                });
            }
        }
    }
}
