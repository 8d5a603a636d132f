package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Product;
import java.time.Duration;
import java.util.List;

/**
 * Run 1, materialise: a pre-filled products topic read into a view, by a fresh application each time.
 * The window opens when the application is ready (it has joined its group and opened its stores) and
 * closes when the view holds every product, so start-up is left out: that is the rebuild run's subject.
 */
public final class MaterialiseRun implements Scenario {
    static final Duration START = Duration.ofMinutes(2);

    @Override
    public String name() {
        return "materialise";
    }

    @Override
    public List<Figure> run(Lab lab) {
        long records = lab.settings().products();
        long warmupRecords = records * lab.settings().warmupPercent() / 100;
        Topic<String, Product> topic = filled(lab, records);
        Topic<String, Product> warmup = warmupRecords > 0 ? filled(lab, warmupRecords) : topic;
        AbRounds<Window> rounds = AbRounds.run(lab, name(), warmupRecords > 0, (unbundled, measured) ->
                once(lab, measured ? topic : warmup, measured ? records : warmupRecords, unbundled));
        return ThroughputFigures.of(name(), "products materialised", rounds, window -> window);
    }

    private static Topic<String, Product> filled(Lab lab, long records) {
        Topic<String, Product> topic = Model.products(lab.topic("products"));
        TopicFiller.fill(lab.kafka(), topic, 0, records, Model::productKey, i -> Model.product(i, 0));
        return topic;
    }

    private static Window once(Lab lab, Topic<String, Product> topic, long records, boolean unbundled) {
        String applicationId = lab.name(unbundled ? "materialise-unbundled" : "materialise-streams");
        CpuClock.Reading beforeStart = CpuClock.Reading.now(applicationId);
        try (Contender app = unbundled
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"), UnbundledViews.products(topic))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.products(topic.name()))) {
            app.awaitReady(START);
            CpuClock.Reading ready = CpuClock.Reading.now(app.threadTag());
            Contender.Reader<String, Product> products = app.reader(UnbundledViews.PRODUCTS);
            CpuClock.Reading start = Window.opening(beforeStart, ready, products.count(), records);
            Poll.until(records + " products in " + applicationId, 1_000, () -> products.count() == records);
            return Window.between(records, start, CpuClock.Reading.now(app.threadTag()));
        }
    }
}
