package dev.unbundled.benchmarks;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import dev.unbundled.benchmarks.Model.Product;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Run "index": what keeping a secondary index costs, against what a service pays without one, a second view
 * re-keyed by the index key. Both sides are Unbundled and keep the products view up to date while running,
 * as {@link LiveMaterialise} does: A keeps it with an index by price ({@link UnbundledViews#indexedProducts}),
 * B beside a second view keyed by price and name ({@link UnbundledViews#productsByPrice}). The window opens
 * before the first product is sent and closes when the last product of each partition can be read both ways:
 * by key, and by price (through the index, or the re-keyed view). Read latency of the two is measured by JMH
 * in the read run ({@code IndexLookups}).
 */
public final class IndexRun implements Scenario {
    static final String INDEXED = "view with an index by price";
    static final String REKEYED = "view and a second view re-keyed by price";

    @Override
    public String name() {
        return "index";
    }

    @Override
    public List<Figure> run(Lab lab) {
        long records = lab.settings().liveProducts();
        long warmupRecords = records * lab.settings().warmupPercent() / 100;
        AbRounds<Window> rounds = AbRounds.run(lab, name(), warmupRecords > 0,
                (indexed, measured) -> once(lab, measured ? records : warmupRecords, indexed));
        String what = "products kept with their index by price while running";
        return List.of(
                figure(what + ", throughput", "records/s", true, rounds, Window::recordsPerSecond),
                figure(what + ", CPU (process, broker included)", "CPU s / M records", false, rounds,
                        Window::processCpuPerMillion),
                figure(what + ", CPU (Streams threads only)", "CPU s / M records", false, rounds,
                        Window::threadCpuPerMillion));
    }

    private Figure figure(String metric, String unit, boolean higherIsBetter, AbRounds<Window> rounds,
                          Function<Window, Double> value) {
        return new Figure(name(), metric, unit, higherIsBetter, new Figure.Side(INDEXED, rounds.unbundled(value)),
                new Figure.Side(REKEYED, rounds.baseline(value)), null,
                Map.of("indexedRuns", rounds.unbundledRuns(value), "rekeyedRuns", rounds.baselineRuns(value)));
    }

    private static Window once(Lab lab, long records, boolean indexed) {
        Topic<String, Product> topic = Model.products(lab.topic("indexed-products"));
        String applicationId = lab.name(indexed ? "index-" : "rekeyed-");
        List<String> lastKeys = MaterialiseRun.lastKeys(records, lab.settings().partitions());
        ViewDefinition<String, Product> products = indexed ? UnbundledViews.indexedProducts(topic)
                : UnbundledViews.products(topic);
        ViewDefinition<String, Product> byPrice = UnbundledViews.productsByPrice(topic);
        try (KafkaProducer<byte[], byte[]> producer = TopicFiller.bulkProducer(lab.kafka());
             Contender app = indexed
                     ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"), products)
                     : Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"), products, byPrice)) {
            app.awaitReady(MaterialiseRun.START);
            ReadOnlyView<String, Product> view = Contenders.view(app, products);
            ReadOnlyView<String, Product> rekeyed = indexed ? null : Contenders.view(app, byPrice);
            producer.partitionsFor(topic.name());
            CpuClock.Reading start = CpuClock.Reading.now(app.threadTag());
            TopicFiller.fill(producer, topic, 0, records, Model::productKey, i -> Model.product(i, 0));
            Poll.until(records + " products in " + applicationId, 1_000, () -> lastKeys.stream().allMatch(key -> {
                Product product = view.get(key).orElse(null);
                return product != null && (indexed
                        ? view.index(UnbundledViews.BY_PRICE).get(product.priceCents()).containsKey(key)
                        : rekeyed.get(UnbundledViews.priceKey(product)).isPresent());
            }));
            Window window = Window.between(records, start, CpuClock.Reading.now(app.threadTag()));
            lab.log("index, %s: %,d products kept in %.2f s", applicationId, records, window.seconds());
            return window;
        }
    }
}
