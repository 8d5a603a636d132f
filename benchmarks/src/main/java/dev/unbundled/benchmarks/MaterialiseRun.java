package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Product;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.utils.Utils;

/**
 * Run 1, materialise: a pre-filled products topic read into a view, by a fresh application each time, for
 * each {@link Storage} of the settings: in memory ({@code bench.products}), then on RocksDB
 * ({@code bench.rocksDbProducts}, fewer, to keep the whole run under ten minutes).
 * The window opens just before the application is started and closes when the view holds every product:
 * start-up included, on both sides alike, since a new Unbundled view answers no read until it is built (it is
 * REBUILDING until then), while a hand-written application answers as soon as it is RUNNING, before it has read
 * anything; a window opened at "ready" would leave out start-up for one side only.
 * A partition's records are applied in order, so the view holds every product once it holds the last
 * product sent to each partition: that is what is polled, since a RocksDB store only estimates its count.
 * <p>
 * A new view that is its topic's table is loaded by Unbundled as a restore of the table from its topic, in bulk,
 * while the hand-written application processes the topic record by record: those rows compare loading a new view.
 * Keeping a view up to date, every record processed as it comes on both sides, is the second kind of row, from
 * {@link LiveMaterialise}: {@code bench.liveProducts} products sent to an empty topic once the application is ready.
 */
public final class MaterialiseRun implements Scenario {
    static final Duration START = Duration.ofMinutes(2);

    @Override
    public String name() {
        return "materialise";
    }

    @Override
    public List<Figure> run(Lab lab) {
        Map<Long, Filled> topics = new HashMap<>();
        List<Figure> figures = new ArrayList<>();
        for (Storage storage : lab.settings().stores()) {
            long records = storage == Storage.MEMORY ? lab.settings().products() : lab.settings().rocksDbProducts();
            long warmupRecords = records * lab.settings().warmupPercent() / 100;
            Filled topic = topics.computeIfAbsent(records, size -> filled(lab, size));
            Filled warmup = warmupRecords > 0 ? topics.computeIfAbsent(warmupRecords, size -> filled(lab, size)) : topic;
            String what = "products materialised" + (storage == Storage.MEMORY ? "" : " " + storage.where())
                    + ", start to complete";
            AbRounds<Window> rounds = AbRounds.run(lab, name() + " " + storage.where(), warmupRecords > 0,
                    (unbundled, measured) -> once(lab, measured ? topic : warmup, storage, unbundled));
            figures.addAll(ThroughputFigures.of(name(), what, rounds, Function.identity()));
            figures.addAll(LiveMaterialise.figures(lab, name(), storage, lab.settings().liveProducts()));
            if (storage == Storage.MEMORY) {
                figures.addAll(LiveMaterialise.readCacheFigures(lab, name(), lab.settings().liveProducts()));
            }
        }
        return figures;
    }

    /** A filled topic, its size, and the key of the last record sent to each of its partitions. */
    private record Filled(Topic<String, Product> topic, long records, List<String> lastKeys) {
    }

    private static Filled filled(Lab lab, long records) {
        Topic<String, Product> topic = Model.products(lab.topic("products"));
        TopicFiller.fill(lab.kafka(), topic, 0, records, Model::productKey, i -> Model.product(i, 0));
        return new Filled(topic, records, lastKeys(records, lab.settings().partitions()));
    }

    /** @return the last key sent to each partition that got any, as the producer's default partitioner placed it */
    static List<String> lastKeys(long records, int partitions) {
        Map<Integer, String> last = new LinkedHashMap<>();
        for (long i = records - 1; i >= 0 && last.size() < partitions; i--) {
            String key = Model.productKey(i);
            int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
            last.putIfAbsent(partition, key);
        }
        return List.copyOf(last.values());
    }

    private static Window once(Lab lab, Filled filled, Storage storage, boolean unbundled) {
        String applicationId = lab.name((unbundled ? "materialise-unbundled-" : "materialise-streams-") + storage.id());
        CpuClock.Reading start = CpuClock.Reading.now(applicationId);
        try (Contender app = unbundled
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"),
                        UnbundledViews.products(filled.topic(), storage))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.products(filled.topic().name(), storage))) {
            app.awaitReady(START);
            double ready = (System.nanoTime() - start.wallNanos()) / 1e9;
            Contender.Reader<String, Product> products = app.reader(UnbundledViews.PRODUCTS);
            Poll.until(filled.records() + " products in " + applicationId, 1_000,
                    () -> filled.lastKeys().stream().allMatch(key -> products.get(key) != null));
            Window window = Window.between(filled.records(), start, CpuClock.Reading.now(app.threadTag()));
            lab.log("materialise, %s: ready after %.2f s, complete after %.2f s", applicationId, ready,
                    window.seconds());
            return window;
        }
    }
}
