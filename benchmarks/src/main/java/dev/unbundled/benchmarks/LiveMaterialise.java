package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Product;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The materialise run's second kind: a products view kept up to date while it runs. Each run starts a fresh
 * application on an empty products topic of its own, waits until it answers reads (an Unbundled view
 * {@code READY}; a hand-written application {@code RUNNING} with its store open to queries), and only then
 * sends the products. The window opens just before the first record is sent and closes when the view holds
 * every product (the last product sent to each partition is readable, as in {@link MaterialiseRun}): both sides
 * process every record as it comes, which is what keeping a view up to date costs, start-up left out. The
 * producer sends from this JVM inside the window, on both sides alike.
 *
 * <pre>{@code
 * List<Figure> figures = LiveMaterialise.figures(lab, "materialise", Storage.MEMORY, 100_000);
 * }</pre>
 */
final class LiveMaterialise {
    private LiveMaterialise() {
    }

    /**
     * Runs both sides in A/B rounds after a warm-up run of each at {@code bench.warmupPercent} of the size.
     *
     * @param lab the lab
     * @param run the run's name, for the figures and the log
     * @param storage where the view keeps its rows
     * @param records products sent in each measured run
     * @return throughput, and CPU per million records of the process and of the Streams threads
     */
    static List<Figure> figures(Lab lab, String run, Storage storage, long records) {
        long warmupRecords = records * lab.settings().warmupPercent() / 100;
        String what = "products materialised" + (storage == Storage.MEMORY ? "" : " " + storage.where())
                + " while running (sent after start)";
        AbRounds<Window> rounds = AbRounds.run(lab, run + " while running " + storage.where(), warmupRecords > 0,
                (unbundled, measured) -> once(lab, measured ? records : warmupRecords, storage, unbundled));
        return ThroughputFigures.of(run, what, rounds, Function.identity());
    }

    /**
     * What keeping rows decoded costs the in-memory view's maintenance: the same view kept up to date while
     * running, with its rows kept decoded (Unbundled's row store, the default) and with its read cache off
     * (Kafka Streams' in-memory store), in A/B rounds.
     *
     * @param lab the lab
     * @param run the run's name, for the figures and the log
     * @param records products sent in each measured run
     * @return throughput, and CPU per million records, rows kept decoded against read cache off
     */
    static List<Figure> readCacheFigures(Lab lab, String run, long records) {
        long warmupRecords = records * lab.settings().warmupPercent() / 100;
        AbRounds<Window> rounds = AbRounds.run(lab, run + " while running, read cache on and off", warmupRecords > 0,
                (decoded, measured) -> once(lab, measured ? records : warmupRecords, Storage.MEMORY, true,
                        decoded ? null : "uncached-"));
        String what = "products materialised while running, rows kept decoded vs read cache off";
        return ThroughputFigures.of(run, what, rounds, Function.identity()).stream()
                .map(figure -> new Figure(figure.run(), figure.metric(), figure.unit(), figure.higherIsBetter(),
                        new Figure.Side("rows kept decoded", figure.measured().value()),
                        new Figure.Side("withReadCache(false)", figure.baseline().value()),
                        figure.unit().equals("records/s") ? Target.ratioAtLeast(0.97) : null, figure.details()))
                .toList();
    }

    private static Window once(Lab lab, long records, Storage storage, boolean unbundled) {
        return once(lab, records, storage, unbundled, null);
    }

    /** @param uncached null for the view as a user writes it; else a name prefix, and the read cache off */
    private static Window once(Lab lab, long records, Storage storage, boolean unbundled, String uncached) {
        Topic<String, Product> topic = Model.products(lab.topic("live-products"));
        String applicationId = lab.name((unbundled ? "live-unbundled-" : "live-streams-")
                + (uncached == null ? "" : uncached) + storage.id());
        List<String> lastKeys = MaterialiseRun.lastKeys(records, lab.settings().partitions());
        try (KafkaProducer<byte[], byte[]> producer = TopicFiller.bulkProducer(lab.kafka());
             Contender app = unbundled
                     ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"), uncached == null
                             ? UnbundledViews.products(topic, storage)
                             : UnbundledViews.products(topic, storage).withReadCache(false))
                     : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                             HandWritten.products(topic.name(), storage))) {
            long begun = System.nanoTime();
            app.awaitReady(MaterialiseRun.START);
            // the hand-written side's reader waits until Kafka Streams opens the store to queries
            Contender.Reader<String, Product> products = app.reader(UnbundledViews.PRODUCTS);
            double ready = (System.nanoTime() - begun) / 1e9;
            // the producer's first metadata request stays out of the window
            producer.partitionsFor(topic.name());
            CpuClock.Reading start = CpuClock.Reading.now(app.threadTag());
            TopicFiller.fill(producer, topic, 0, records, Model::productKey, i -> Model.product(i, 0));
            double sent = (System.nanoTime() - start.wallNanos()) / 1e9;
            Poll.until(records + " products in " + applicationId, 1_000,
                    () -> lastKeys.stream().allMatch(key -> products.get(key) != null));
            Window window = Window.between(records, start, CpuClock.Reading.now(app.threadTag()));
            lab.log("materialise while running, %s: ready after %.2f s; %,d products sent in %.2f s, all in the "
                    + "view after %.2f s", applicationId, ready, records, sent, window.seconds());
            return window;
        }
    }
}
