package dev.unbundled.benchmarks.reads;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Figure;
import dev.unbundled.benchmarks.Lab;
import dev.unbundled.benchmarks.Model;
import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.benchmarks.Scenario;
import dev.unbundled.benchmarks.Settings;
import dev.unbundled.benchmarks.Storage;
import dev.unbundled.benchmarks.Target;
import dev.unbundled.benchmarks.TopicFiller;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The read run: fills a products topic, runs {@link PointReads} and {@link RangeReads} through JMH's
 * {@link Runner} (each benchmark in a fork of its own unless {@code bench.jmhForks=0}), and turns the
 * results into figures. One JMH run per {@link Storage} of the settings: in memory every benchmark, as
 * annotated; on RocksDB only the view's and the raw store's gets and ranges, and only their mean (no
 * sample mode), so that the second store costs as few forks as it can.
 */
public final class ReadBenchmarks implements Scenario {

    @Override
    public String name() {
        return "reads";
    }

    @Override
    public List<Figure> run(Lab lab) {
        Settings settings = lab.settings();
        Topic<String, Product> topic = Model.products(lab.topic("read-products"));
        TopicFiller.fill(lab.kafka(), topic, 0, settings.readRecords(), Model::productKey, i -> Model.product(i, 0));
        Map<String, String> where = Map.of(ReadFixture.BOOTSTRAP, lab.kafka().bootstrapServers(),
                ReadFixture.TOPIC, topic.name(), ReadFixture.RECORDS, String.valueOf(settings.readRecords()));
        where.forEach(System::setProperty);
        List<String> forkArgs = new ArrayList<>();
        where.forEach((key, value) -> forkArgs.add("-D" + key + "=" + value));
        forkArgs.add("-D" + ReadFixture.FORKED + "=true");
        forkArgs.addAll(settings.jmhJvmArgs());
        try {
            List<RunResult> results = new ArrayList<>();
            for (Storage storage : settings.stores()) {
                results.addAll(run(options(settings, forkArgs, storage)));
            }
            List<Figure> figures = figures(index(results), settings);
            if (settings.readRecords() >= ReadMemory.LEAST_RECORDS) {
                figures.add(ReadMemory.figure(name(), lab.kafka().bootstrapServers(), topic.name(),
                        settings.readRecords()));
            }
            return figures;
        } finally {
            ReadFixture.closeAll();
        }
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) {
        try {
            return new Runner(options.build()).run();
        } catch (NoBenchmarksException e) {
            return List.of(); // bench.jmhInclude leaves none of this store's benchmarks
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
        }
    }

    private static ChainedOptionsBuilder options(Settings settings, List<String> forkArgs, Storage storage) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("(" + PointReads.class.getName() + "|" + RangeReads.class.getName() + "|"
                        + IndexLookups.class.getName() + ")\\."
                        + settings.jmhInclude())
                .param("store", storage.id())
                .forks(settings.jmhForks())
                .jvmArgs("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch")
                .jvmArgsAppend(forkArgs.toArray(String[]::new))
                .warmupIterations(settings.jmhWarmups())
                .warmupTime(TimeValue.milliseconds(settings.jmhIterationMillis()))
                .measurementIterations(settings.jmhIterations())
                .measurementTime(TimeValue.milliseconds(settings.jmhIterationMillis()))
                .timeUnit(TimeUnit.NANOSECONDS)
                .shouldFailOnError(true)
                .verbosity(settings.jmhForks() == 0 ? VerboseMode.SILENT : VerboseMode.NORMAL);
        if (storage != Storage.MEMORY) {
            // the benchmarks that read no view or raw store ran once, with the in-memory run
            options.exclude("\\.(rawPartitionStoreGet|rawBytesStoreGet|hashMapGet|jsonDeserialise|treeMapRange"
                    + "|viewGetUncached|viewRangeUncached|indexGet|rekeyedPrefixScan)$")
                    .mode(Mode.AverageTime);
        }
        settings.jmhProfilers().forEach(options::addProfiler);
        return options;
    }

    /** One JMH result: the mean, a few percentiles in sample mode, and allocation if measured. */
    private record Score(double mean, Map<String, Double> extra) {
    }

    private static Map<String, Score> index(Collection<RunResult> results) {
        Map<String, Score> scores = new HashMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String store = result.getParams().getParam("store");
            String size = result.getParams().getParam("size");
            String key = name + (store == null ? "" : "/" + store) + (size == null ? "" : "/" + size) + "/"
                    + result.getParams().getMode().shortLabel();
            Map<String, Double> extra = new LinkedHashMap<>();
            if (result.getParams().getMode() == Mode.SampleTime) {
                for (double p : new double[] {50, 90, 99, 99.9}) {
                    extra.put("p" + p, result.getPrimaryResult().getStatistics().getPercentile(p));
                }
            }
            result.getSecondaryResults().forEach((label, secondary) -> {
                if (label.endsWith("gc.alloc.rate.norm")) {
                    extra.put("allocatedBytesPerOp", secondary.getScore());
                }
            });
            scores.put(key, new Score(result.getPrimaryResult().getScore(), extra));
        }
        return scores;
    }

    private List<Figure> figures(Map<String, Score> scores, Settings settings) {
        List<Figure> figures = new ArrayList<>();
        String get = "ReadOnlyView.get";
        String raw = "raw store get";
        String memory = "/" + Storage.MEMORY.id();
        add(figures, "get, mean", scores, "viewGet" + memory + "/avgt", get, "rawStoreGet" + memory + "/avgt", raw,
                Target.ratioAtMost(1.2));
        add(figures, "get, p50", scores, "viewGet" + memory + "/sample", get, "rawStoreGet" + memory + "/sample", raw,
                Target.valueAtMost(1000, "ns"));
        add(figures, "get vs the floor", scores, "viewGet" + memory + "/avgt", get, "hashMapGet/avgt", "HashMap.get",
                Target.ratioAtMost(2));
        add(figures, "get, rows kept decoded vs read cache off", scores, "viewGet" + memory + "/avgt", get,
                "viewGetUncached/avgt", "ReadOnlyView.get, withReadCache(false)", null);
        add(figures, "index get (the products of one price) vs a re-keyed view's prefix scan", scores,
                "indexGet/avgt", "ReadOnlyIndex.get", "rekeyedPrefixScan/avgt", "second view's prefixScan", null);
        add(figures, "get: all partitions' stores vs the key's own", scores, "rawStoreGet" + memory + "/avgt",
                "raw store get, every partition", "rawPartitionStoreGet/avgt", "raw store get, key's partition", null);
        add(figures, "what deserialising costs: store of JSON values vs of bytes", scores,
                "rawStoreGet" + memory + "/avgt", "raw store get, JSON value", "rawBytesStoreGet/avgt",
                "raw store get, byte[] value", null);
        add(figures, "JSON deserialisation of one product alone", scores, "jsonDeserialise/avgt",
                "Json deserializer", null, null, null);
        for (int size : new int[] {10, 100, 1000}) {
            add(figures, "range of " + size + " entries", scores, "viewRange" + memory + "/" + size + "/avgt",
                    "ReadOnlyView.range", "rawStoreRange" + memory + "/" + size + "/avgt", "raw store range", null);
            add(figures, "range of " + size + " entries vs the floor", scores,
                    "viewRange" + memory + "/" + size + "/avgt", "ReadOnlyView.range", "treeMapRange/" + size + "/avgt",
                    "TreeMap.subMap", Target.ratioAtMost(4));
            add(figures, "range of " + size + " entries, rows kept decoded vs read cache off", scores,
                    "viewRange" + memory + "/" + size + "/avgt", "ReadOnlyView.range",
                    "viewRangeUncached/" + size + "/avgt", "ReadOnlyView.range, withReadCache(false)", null);
        }
        rocksDbFigures(figures, scores);
        return figures;
    }

    /**
     * The same comparisons of the view with the raw store on RocksDB. The ratio target of the in-memory get
     * holds here too, since it bounds what the view adds to the store; the 1 µs target is for in-memory reads.
     */
    private void rocksDbFigures(List<Figure> figures, Map<String, Score> scores) {
        String rocksDb = "/" + Storage.ROCKS_DB.id();
        String memory = "/" + Storage.MEMORY.id();
        String on = " " + Storage.ROCKS_DB.where();
        add(figures, "get" + on + ", mean", scores, "viewGet" + rocksDb + "/avgt", "ReadOnlyView.get",
                "rawStoreGet" + rocksDb + "/avgt", "raw store get", Target.ratioAtMost(1.2));
        add(figures, "get" + on + " vs in memory, mean", scores, "viewGet" + rocksDb + "/avgt",
                "ReadOnlyView.get" + on, "viewGet" + memory + "/avgt", "ReadOnlyView.get in memory", null);
        for (int size : new int[] {10, 100, 1000}) {
            add(figures, "range of " + size + " entries" + on, scores, "viewRange" + rocksDb + "/" + size + "/avgt",
                    "ReadOnlyView.range", "rawStoreRange" + rocksDb + "/" + size + "/avgt", "raw store range", null);
        }
    }

    private void add(List<Figure> figures, String metric, Map<String, Score> scores, String measured,
                     String measuredName, String baseline, String baselineName, Target target) {
        Score ours = scores.get(measured);
        Score theirs = baseline == null ? null : scores.get(baseline);
        if (ours == null || baseline != null && theirs == null) {
            return; // excluded by bench.jmhInclude
        }
        boolean sample = measured.endsWith("/sample");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("measured", ours.extra());
        details.put("meanMeasuredNs", ours.mean());
        if (theirs != null) {
            details.put("baseline", theirs.extra());
            details.put("meanBaselineNs", theirs.mean());
        }
        double value = sample ? ours.extra().get("p50.0") : ours.mean();
        Figure.Side base = theirs == null ? null
                : new Figure.Side(baselineName, sample ? theirs.extra().get("p50.0") : theirs.mean());
        figures.add(new Figure(name(), metric, "ns/op", false, new Figure.Side(measuredName, value), base, target, details));
    }
}
