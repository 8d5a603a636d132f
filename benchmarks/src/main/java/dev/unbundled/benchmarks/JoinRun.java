package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Order;
import dev.unbundled.benchmarks.Model.OrderNote;
import dev.unbundled.benchmarks.Model.Product;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Run 2, join: orders joined with products by foreign key (the order-notes view), then a batch of
 * product renames propagating to every note of the renamed products. Each run gets topics of its own,
 * because the renames are written to the products topic.
 */
public final class JoinRun implements Scenario {

    /**
     * What one run measured.
     *
     * @param join from just before {@code start()} until every order has its note
     * @param renames from the first rename sent until every affected note shows the new name; its
     *     records are the notes updated
     */
    public record Result(Window join, Window renames) {
    }

    @Override
    public String name() {
        return "join";
    }

    @Override
    public List<Figure> run(Lab lab) {
        Settings settings = lab.settings();
        int warmup = settings.warmupPercent();
        AbRounds<Result> rounds = AbRounds.run(lab, name(), warmup > 0, (unbundled, measured) -> once(lab, unbundled,
                measured ? settings.orders() : Math.max(1, settings.orders() * warmup / 100),
                measured ? settings.joinProducts() : Math.max(1, settings.joinProducts() * warmup / 100),
                measured ? settings.renames() : Math.max(1, settings.renames() * warmup / 100)));
        List<Figure> figures = new ArrayList<>(
                ThroughputFigures.of(name(), "orders joined, start to complete", rounds, Result::join));
        figures.addAll(ThroughputFigures.of(name(), "notes updated by renames", rounds, Result::renames));
        return figures;
    }

    private static Result once(Lab lab, boolean unbundled, long orderCount, long productCount, long renameCount) {
        Topic<String, Order> orders = Model.orders(lab.topic("orders"));
        Topic<String, Product> products = Model.products(lab.topic("join-products"));
        TopicFiller.fill(lab.kafka(), products, 0, productCount, Model::productKey, i -> Model.product(i, 0));
        TopicFiller.fill(lab.kafka(), orders, 0, orderCount, Model::orderKey, i -> Model.order(i, productCount));
        long renamed = Math.min(renameCount, productCount);
        long[] affected = affectedOrders(orderCount, productCount, renamed);

        String applicationId = lab.name(unbundled ? "join-unbundled" : "join-streams");
        // start-up is inside the window on both sides: a new Unbundled view answers no read before it is built
        CpuClock.Reading start = CpuClock.Reading.now(applicationId);
        try (KafkaProducer<byte[], byte[]> renamer = TopicFiller.bulkProducer(lab.kafka());
             Contender app = unbundled
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"),
                        UnbundledViews.orderNotes(orders, products))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.orderNotes(orders.name(), products.name()))) {
            app.awaitReady(MaterialiseRun.START);
            double ready = (System.nanoTime() - start.wallNanos()) / 1e9;
            Contender.Reader<String, OrderNote> notes = app.reader(UnbundledViews.ORDER_NOTES);
            Poll.until(orderCount + " notes in " + applicationId, 1_000, () -> notes.count() == orderCount);
            CpuClock.Reading joined = CpuClock.Reading.now(app.threadTag());
            lab.log("join, %s: ready after %.2f s, every note after %.2f s", applicationId, ready,
                    (joined.wallNanos() - start.wallNanos()) / 1e9);

            KeyCursor renamedNotes = new KeyCursor(affected.length, i -> {
                OrderNote note = notes.get(Model.orderKey(affected[(int) i]));
                return note != null && note.product().equals(Model.product(affected[(int) i] % productCount, 1).name());
            });
            CpuClock.Reading renaming = CpuClock.Reading.now(app.threadTag());
            TopicFiller.fill(renamer, products, 0, renamed, Model::productKey, i -> Model.product(i, 1));
            Poll.until(affected.length + " renamed notes in " + applicationId, 1_000, renamedNotes::reachedEnd);
            CpuClock.Reading done = CpuClock.Reading.now(app.threadTag());
            return new Result(Window.between(orderCount, start, joined), Window.between(affected.length, renaming, done));
        }
    }

    /** Orders refer to product {@code i % products}; the first {@code renamed} products are renamed. */
    private static long[] affectedOrders(long orders, long products, long renamed) {
        List<Long> affected = new ArrayList<>();
        for (long order = 0; order < orders; order++) {
            if (order % products < renamed) {
                affected.add(order);
            }
        }
        return affected.stream().mapToLong(Long::longValue).toArray();
    }
}
