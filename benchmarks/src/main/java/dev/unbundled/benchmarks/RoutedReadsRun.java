package dev.unbundled.benchmarks;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.benchmarks.Model.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Run 6, routed reads: two runtimes of one service (the same application id, state directories of their own)
 * on the lab's broker, each advertising an address on loopback and holding about half of a products view's
 * partitions. From one of them, a single reader thread reads keys three ways: keys held here through
 * {@link ReadOnlyView#local()} (no routing), keys held here through the routed view (what routing adds), and
 * keys held by the other instance through the routed view (one HTTP hop). Which instance holds a key is asked
 * once, with {@link ReadOnlyView#read}, before anything is measured. The kinds take turns, forwards then
 * backwards, after a warm-up of each; figures are the routed reads over the local ones.
 */
public final class RoutedReadsRun implements Scenario {
    private static final double[] PERCENTILES = {50, 99, 99.9};
    /** Keys of each kind read in turn: enough to spread over every partition, few enough to find quickly. */
    private static final int KEYS_PER_KIND = 4_096;

    @Override
    public String name() {
        return "routed";
    }

    @Override
    public List<Figure> run(Lab lab) {
        Settings settings = lab.settings();
        long records = settings.routedProducts();
        Topic<String, Product> topic = Model.products(lab.topic("routed-products", settings.routedPartitions()));
        TopicFiller.fill(lab.kafka(), topic, 0, records, Model::productKey, i -> Model.product(i, 0));
        ViewDefinition<String, Product> products = UnbundledViews.products(topic);
        String applicationId = lab.name("routed");
        List<Figure> figures = new ArrayList<>();
        try (ViewRuntime here = start(lab, applicationId, products);
             ViewRuntime there = start(lab, applicationId, products)) {
            ReadOnlyView<String, Product> routed = here.view(products);
            ReadOnlyView<String, Product> other = there.view(products);
            Poll.until("the partitions of " + topic.name() + " spread over both instances", 10_000,
                    () -> spread(records, routed, other));
            String hereAddress = here.queryAddress().orElseThrow();
            String thereAddress = there.queryAddress().orElseThrow();
            Map<String, List<String>> keys = keysByInstance(routed, records, List.of(hereAddress, thereAddress));
            lab.log("routed: %d of %d products held here (%s), %d there (%s); reading %d and %d keys",
                    routed.local().approximateCount(), records, hereAddress, other.local().approximateCount(),
                    thereAddress, keys.get(hereAddress).size(), keys.get(thereAddress).size());

            TimedReads local = new TimedReads("local(), key held here", routed.local()::get, keys.get(hereAddress));
            TimedReads routedHere = new TimedReads("routed view, key held here", routed::get, keys.get(hereAddress));
            TimedReads routedThere = new TimedReads("routed view, key held by the other instance", routed::get,
                    keys.get(thereAddress));
            measure(lab, List.of(local, routedHere, routedThere));
            figures.addAll(compare("get of a key held here, routed view vs local()", routedHere, local));
            figures.addAll(compare("get of a key held by the other instance (one HTTP hop) vs local()", routedThere,
                    local));
        }
        Contenders.awaitThreadsGone(applicationId);
        return figures;
    }

    private static ViewRuntime start(Lab lab, String applicationId, ViewDefinition<String, Product> products) {
        return ViewRuntime.builder()
                .applicationId(applicationId)
                .bootstrapServers(lab.kafka().bootstrapServers())
                .stateDir(lab.directory("state"))
                .advertise("localhost", 0)
                // the instance that joins second, its store still empty, must get its share of the partitions at
                // once, rather than warm-up replicas and a probing rebalance ten minutes later
                .property(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Long.MAX_VALUE)
                .view(products)
                .start();
    }

    /** @return whether both instances answer, each holds some partitions, and together they hold every product */
    private static boolean spread(long records, ReadOnlyView<String, Product> here, ReadOnlyView<String, Product> there) {
        try {
            long held = 0;
            for (ReadOnlyView<String, Product> view : List.of(here, there)) {
                long count = view.status().isReady() ? view.local().approximateCount() : 0;
                if (count == 0) {
                    return false;
                }
                held += count;
            }
            return held == records;
        } catch (ViewNotReadyException e) {
            return false;
        }
    }

    /** @return keys drawn at random, by the instance that answered for them */
    private static Map<String, List<String>> keysByInstance(ReadOnlyView<String, Product> routed, long records,
                                                            List<String> instances) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        instances.forEach(instance -> keys.put(instance, new ArrayList<>()));
        Random random = new Random(42);
        long wanted = Math.min(KEYS_PER_KIND, records);
        for (long drawn = 0; drawn < 4 * wanted && keys.values().stream().anyMatch(k -> k.size() < wanted); drawn++) {
            String key = Model.productKey(Math.floorMod(random.nextLong(), records));
            String instance = routed.read(key).instance();
            List<String> ofInstance = keys.get(instance);
            if (ofInstance == null) {
                throw new IllegalStateException(key + " was answered by " + instance + ", neither of " + instances);
            }
            if (ofInstance.size() < wanted) {
                ofInstance.add(key);
            }
        }
        return keys;
    }

    /** Warms each kind of read up, then measures them in turn, forwards and backwards. */
    private static void measure(Lab lab, List<TimedReads> kinds) {
        double seconds = lab.settings().routedSeconds();
        for (TimedReads kind : kinds) {
            kind.warmUp(seconds / 4);
        }
        List<TimedReads> backwards = new ArrayList<>(kinds);
        Collections.reverse(backwards);
        for (List<TimedReads> round : List.of(kinds, backwards)) {
            lab.settle();
            for (TimedReads kind : round) {
                kind.measure(seconds / 2);
            }
        }
        for (TimedReads kind : kinds) {
            Latencies latencies = kind.latencies();
            lab.log("routed, %s: p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.0f µs, %.0f reads/s (%d reads)",
                    kind.name(), latencies.percentileMicros(50), latencies.percentileMicros(99),
                    latencies.percentileMicros(99.9), latencies.percentileMicros(100), kind.readsPerSecond(),
                    latencies.count());
        }
    }

    private List<Figure> compare(String what, TimedReads measured, TimedReads baseline) {
        Map<String, Object> details = Map.of(
                "samplesMeasured", measured.latencies().count(), "samplesBaseline", baseline.latencies().count(),
                "keysMeasured", measured.keys(), "keysBaseline", baseline.keys(),
                "maxMeasuredMicros", measured.latencies().percentileMicros(100),
                "maxBaselineMicros", baseline.latencies().percentileMicros(100));
        List<Figure> figures = new ArrayList<>();
        for (double percentile : PERCENTILES) {
            String p = percentile == Math.rint(percentile) ? String.valueOf((int) percentile) : String.valueOf(percentile);
            figures.add(new Figure(name(), what + ", p" + p, "µs", false,
                    new Figure.Side(measured.name(), measured.latencies().percentileMicros(percentile)),
                    new Figure.Side(baseline.name(), baseline.latencies().percentileMicros(percentile)), null, details));
        }
        figures.add(new Figure(name(), what + ", throughput of one reader thread", "reads/s", true,
                new Figure.Side(measured.name(), measured.readsPerSecond()),
                new Figure.Side(baseline.name(), baseline.readsPerSecond()), null, details));
        return figures;
    }
}
