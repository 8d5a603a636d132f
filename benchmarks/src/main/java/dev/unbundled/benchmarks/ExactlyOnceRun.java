package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.benchmarks.Model.Play;
import dev.unbundled.benchmarks.Model.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Run 6, exactly-once: what Unbundled's default guarantee ({@code exactly_once_v2}) costs against
 * {@code at_least_once}, both Unbundled, in one run. Three settings: exactly-once as it is by default
 * (Kafka Streams commits every 100 ms under it), exactly-once with a shorter {@code commit.interval.ms}
 * ({@code bench.eosCommitMillis}), and at-least-once. Two things are measured for each:
 *
 * <ul>
 *   <li>maintenance throughput of a source-table view (products) and of an event count (plays counted per
 *       song, which goes through a repartition topic), from just before {@code start()} until the view holds
 *       every record (a new view answers no read before it is built, so start-up is inside the window);</li>
 *   <li>send-to-visible delay through a repartition: a products view re-keyed by name, whose rows reach their
 *       store only after the record has gone through the repartition topic. Under exactly-once that topic is
 *       written in transactions and read {@code read_committed}, so a record waits for its commit.</li>
 * </ul>
 */
public final class ExactlyOnceRun implements Scenario {
    private static final String EXACTLY_ONCE = "exactly_once_v2";
    private static final String AT_LEAST_ONCE = "at_least_once";
    private static final double[] PERCENTILES = {50, 99};

    /** One setting of the guarantee. */
    private record Guarantee(String name, Map<String, Object> properties) {
    }

    @Override
    public String name() {
        return "exactly-once";
    }

    @Override
    public List<Figure> run(Lab lab) {
        Settings settings = lab.settings();
        Guarantee exactlyOnce = new Guarantee(EXACTLY_ONCE + " (default)", Map.of());
        Guarantee tuned = new Guarantee(EXACTLY_ONCE + ", commit.interval.ms=" + settings.eosCommitMillis(),
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.eosCommitMillis()));
        Guarantee atLeastOnce = new Guarantee(AT_LEAST_ONCE,
                Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE));
        List<Guarantee> guarantees = new ArrayList<>(List.of(exactlyOnce, tuned, atLeastOnce));
        List<Guarantee> compared = new ArrayList<>(List.of(exactlyOnce, tuned));
        for (Map<String, String> properties : Contenders.propertySets("bench.eosCompare")) {
            Guarantee other = new Guarantee(EXACTLY_ONCE + " with " + properties, Map.copyOf(properties));
            guarantees.add(other);
            compared.add(other);
        }
        long records = settings.eosRecords();
        Topic<String, Product> products = Model.products(lab.topic("eos-products"));
        TopicFiller.fill(lab.kafka(), products, 0, records, Model::productKey, i -> Model.product(i, 0));
        List<String> lastKeys = MaterialiseRun.lastKeys(records, settings.partitions());
        Topic<String, Play> plays = Model.plays(lab.topic("eos-plays"));
        TopicFiller.fill(lab.kafka(), plays, 0, records, Model::playKey,
                i -> Model.play(i, settings.songs(), settings.genres()));
        long[] perSong = perSong(records, settings.songs());

        Map<Guarantee, List<Window>> productRuns = new HashMap<>();
        Map<Guarantee, List<Window>> playRuns = new HashMap<>();
        Map<Guarantee, Latencies> delays = new HashMap<>();
        for (int round = 0; round <= settings.rounds(); round++) {
            List<Guarantee> order = new ArrayList<>(guarantees);
            Collections.rotate(order, round);
            for (Guarantee guarantee : order) {
                Window product = materialise(lab, guarantee, products, records, lastKeys);
                Window play = count(lab, guarantee, plays, records, perSong);
                Latencies delay = freshness(lab, guarantee, round == 0);
                lab.log("exactly-once, %s, %s: products %.0f/s, plays %.0f/s, through a repartition p50 %.2f ms, "
                                + "p99 %.2f ms", round == 0 ? "warm-up" : "round " + round, guarantee.name(),
                        product.recordsPerSecond(), play.recordsPerSecond(), delay.percentileMillis(50),
                        delay.percentileMillis(99));
                if (round > 0) {
                    productRuns.computeIfAbsent(guarantee, g -> new ArrayList<>()).add(product);
                    playRuns.computeIfAbsent(guarantee, g -> new ArrayList<>()).add(play);
                    delays.computeIfAbsent(guarantee, g -> new Latencies()).addAll(delay);
                }
            }
        }
        List<Figure> figures = new ArrayList<>();
        for (Guarantee guarantee : compared) {
            figures.add(throughput("products materialised", guarantee, atLeastOnce, productRuns));
            figures.add(throughput("plays counted per song (through a repartition)", guarantee, atLeastOnce, playRuns));
        }
        for (Guarantee guarantee : compared) {
            for (double percentile : PERCENTILES) {
                figures.add(new Figure(name(), "send to visible through a repartition (re-keyed view) at "
                        + settings.freshnessRates().get(0) + " records/s, p" + (int) percentile, "ms", false,
                        new Figure.Side(guarantee.name(), delays.get(guarantee).percentileMillis(percentile)),
                        new Figure.Side(atLeastOnce.name(), delays.get(atLeastOnce).percentileMillis(percentile)), null,
                        Map.of("samples", delays.get(guarantee).count(), "baselineSamples",
                                delays.get(atLeastOnce).count())));
            }
        }
        return figures;
    }

    private Figure throughput(String what, Guarantee guarantee, Guarantee baseline, Map<Guarantee, List<Window>> runs) {
        Function<Guarantee, List<Double>> rates = g -> runs.get(g).stream().map(Window::recordsPerSecond).toList();
        return new Figure(name(), what + ", throughput", "records/s", true,
                new Figure.Side(guarantee.name(), median(rates.apply(guarantee))),
                new Figure.Side(baseline.name(), median(rates.apply(baseline))), null,
                Map.of("runs", rates.apply(guarantee), "baselineRuns", rates.apply(baseline),
                        "properties", guarantee.properties()));
    }

    private static Window materialise(Lab lab, Guarantee guarantee, Topic<String, Product> topic, long records,
                                      List<String> lastKeys) {
        lab.settle();
        String applicationId = lab.name("eos-products");
        CpuClock.Reading start = CpuClock.Reading.now(applicationId);
        try (Contender app = Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"),
                guarantee.properties(), UnbundledViews.products(topic))) {
            app.awaitReady(MaterialiseRun.START);
            Contender.Reader<String, Product> view = app.reader(UnbundledViews.PRODUCTS);
            Poll.until(records + " products in " + applicationId, 1_000,
                    () -> lastKeys.stream().allMatch(key -> view.get(key) != null));
            return Window.between(records, start, CpuClock.Reading.now(app.threadTag()));
        }
    }

    private static Window count(Lab lab, Guarantee guarantee, Topic<String, Play> topic, long records, long[] perSong) {
        lab.settle();
        String applicationId = lab.name("eos-plays");
        CpuClock.Reading start = CpuClock.Reading.now(applicationId);
        try (Contender app = Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"),
                guarantee.properties(), UnbundledViews.songPlays(topic))) {
            app.awaitReady(MaterialiseRun.START);
            Contender.Reader<String, Long> counts = app.reader(UnbundledViews.SONG_PLAYS);
            KeyCursor counted = new KeyCursor(perSong.length, song -> perSong[(int) song] == 0
                    || Long.valueOf(perSong[(int) song]).equals(counts.get(Model.songKey(song))));
            Poll.until(records + " plays in " + applicationId, 1_000, counted::reachedEnd);
            return Window.between(records, start, CpuClock.Reading.now(app.threadTag()));
        }
    }

    private static Latencies freshness(Lab lab, Guarantee guarantee, boolean warmup) {
        Settings settings = lab.settings();
        lab.settle();
        Topic<String, Product> topic = Model.products(lab.topic("eos-fresh"));
        ViewDefinition<String, Product> byName = View.from(topic).rekey(Product::name, Serdes.String())
                .materialize(UnbundledViews.PRODUCTS);
        try (Contender app = Contenders.unbundled(lab.kafka(), lab.name("eos-fresh"), lab.directory("state"),
                guarantee.properties(), byName)) {
            app.awaitReady(MaterialiseRun.START);
            Contender.Reader<String, Product> view = app.reader(UnbundledViews.PRODUCTS);
            FreshnessProbe probe = FreshnessProbe.keyedValues(lab.kafka(), topic.name(), settings.partitions(),
                    key -> new Product(key, "c-1", 100));
            int rate = settings.freshnessRates().get(0);
            double seconds = settings.eosSeconds();
            // the first seconds include the first commits and the JIT's work: not measured
            probe.run(view, lab.name("warm") + "-", rate, Math.min(2, seconds));
            return probe.run(view, lab.name("k") + "-", rate, warmup ? Math.min(2, seconds) : seconds);
        }
    }

    private static long[] perSong(long plays, long songs) {
        long[] perSong = new long[(int) songs];
        for (long i = 0; i < plays; i++) {
            perSong[(int) Model.songOf(i, songs)]++;
        }
        return perSong;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
