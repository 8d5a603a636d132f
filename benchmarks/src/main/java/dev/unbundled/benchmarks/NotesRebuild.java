package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Order;
import dev.unbundled.benchmarks.Model.OrderNote;
import dev.unbundled.benchmarks.Model.Product;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rebuild run's foreign-key join: the order-notes view ({@link UnbundledViews#orderNotes}) rebuilt from
 * scratch under a new application id, Unbundled beside its hand-written twin ({@link HandWritten#orderNotes}),
 * both in memory, over orders and products topics filled once for the whole run. Each rebuild is measured from
 * just before {@code start()} until every order has its note, which is what a service whose view definition
 * changed waits for.
 *
 * <pre>{@code
 * NotesRebuild notes = NotesRebuild.fill(lab);
 * Map<String, Window> round = new LinkedHashMap<>();
 * notes.round(lab, true, round);
 * List<Figure> figures = notes.figures("rebuild", List.of(round));
 * }</pre>
 */
final class NotesRebuild {
    private static final String WHAT = "rebuild of a foreign-key-join view (order notes), new application id";

    private final Topic<String, Order> orders;
    private final Topic<String, Product> products;
    private final long orderCount;
    private final long productCount;

    private NotesRebuild(Topic<String, Order> orders, Topic<String, Product> products, long orderCount,
                         long productCount) {
        this.orders = orders;
        this.products = products;
        this.orderCount = orderCount;
        this.productCount = productCount;
    }

    /**
     * Fills a products topic and an orders topic of their own, as the join run does, with the settings' sizes.
     *
     * @param lab the lab
     * @return the filled topics, ready to be rebuilt from
     */
    static NotesRebuild fill(Lab lab) {
        long orderCount = lab.settings().orders();
        long productCount = lab.settings().joinProducts();
        Topic<String, Order> orders = Model.orders(lab.topic("rebuild-orders"));
        Topic<String, Product> products = Model.products(lab.topic("rebuild-join-products"));
        TopicFiller.fill(lab.kafka(), products, 0, productCount, Model::productKey, i -> Model.product(i, 0));
        TopicFiller.fill(lab.kafka(), orders, 0, orderCount, Model::orderKey, i -> Model.order(i, productCount));
        return new NotesRebuild(orders, products, orderCount, productCount);
    }

    /**
     * Rebuilds the view once with each side, each under an application id never used before.
     *
     * @param lab the lab
     * @param unbundledFirst whether Unbundled goes first this round
     * @param result where each side's window goes, under {@link #key}
     */
    void round(Lab lab, boolean unbundledFirst, Map<String, Window> result) {
        for (boolean unbundled : new boolean[] {unbundledFirst, !unbundledFirst}) {
            result.put(key(unbundled), rebuild(lab, unbundled));
        }
    }

    /**
     * @param run the run's name
     * @param rounds the measured rounds, holding both sides' windows under {@link #key}
     * @return the two sides' throughput and CPU per record
     */
    List<Figure> figures(String run, List<Map<String, Window>> rounds) {
        List<Figure> figures = new ArrayList<>();
        figures.add(figure(run, WHAT + ", start to complete", "records/s", true, rounds, Window::recordsPerSecond,
                Target.ratioAtLeast(1.0)));
        figures.add(figure(run, WHAT + ", CPU (process, broker included)", "CPU s / M records", false, rounds,
                Window::processCpuPerMillion, null));
        figures.add(figure(run, WHAT + ", CPU (Streams threads only)", "CPU s / M records", false, rounds,
                Window::threadCpuPerMillion, null));
        return figures;
    }

    /**
     * @param unbundled which side
     * @return the key of that side's window in a round's result
     */
    static String key(boolean unbundled) {
        return (unbundled ? Contenders.UNBUNDLED : Contenders.HAND_WRITTEN) + " order-notes fresh";
    }

    private Figure figure(String run, String metric, String unit, boolean higherIsBetter,
                          List<Map<String, Window>> rounds, Function<Window, Double> of, Target target) {
        return new Figure(run, metric, unit, higherIsBetter,
                new Figure.Side(Contenders.UNBUNDLED, RebuildRun.median(rounds, key(true), of)),
                new Figure.Side(Contenders.HAND_WRITTEN, RebuildRun.median(rounds, key(false), of)), target,
                Map.of("records", orderCount, "products", productCount,
                        "unbundledRuns", RebuildRun.values(rounds, key(true), of),
                        "baselineRuns", RebuildRun.values(rounds, key(false), of),
                        "unbundledSecondsToComplete", RebuildRun.values(rounds, key(true), Window::seconds),
                        "baselineSecondsToComplete", RebuildRun.values(rounds, key(false), Window::seconds)));
    }

    private Window rebuild(Lab lab, boolean unbundled) {
        // a name the lab never handed out before: no committed offsets, no build target, no changelog to find
        String applicationId = lab.name(unbundled ? "rebuild-notes-unbundled" : "rebuild-notes-streams");
        lab.settle();
        CpuClock.Reading start = CpuClock.Reading.now(applicationId);
        try (Contender app = unbundled
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"),
                        UnbundledViews.orderNotes(orders, products))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.orderNotes(orders.name(), products.name()))) {
            app.awaitReady(MaterialiseRun.START);
            double ready = (System.nanoTime() - start.wallNanos()) / 1e9;
            Contender.Reader<String, OrderNote> notes = app.reader(UnbundledViews.ORDER_NOTES);
            // keyed by order id, and a note exists only once its order met its product; an in-memory store counts
            // its rows exactly, so the count reaches the number of orders when, and only when, every order has its
            // note (the last order of a partition says nothing: its note can come back before earlier ones)
            Poll.until(orderCount + " notes in " + applicationId, 1_000, () -> notes.count() == orderCount);
            Window window = Window.between(orderCount, start, CpuClock.Reading.now(app.threadTag()));
            requireEveryNote(applicationId, notes);
            lab.log("rebuild, %s: ready after %.2f s, every note after %.2f s", applicationId, ready, window.seconds());
            return window;
        }
    }

    /** Reads every note once the window is closed: a figure whose end was seen too early is not reported. */
    private void requireEveryNote(String applicationId, Contender.Reader<String, OrderNote> notes) {
        KeyCursor cursor = new KeyCursor(orderCount, i -> OrderNote.of(Model.order(i, productCount),
                Model.product(i % productCount, 0)).equals(notes.get(Model.orderKey(i))));
        if (!cursor.reachedEnd()) {
            throw new IllegalStateException(applicationId + " counted " + orderCount
                    + " notes, but not every order has its note: the completion check ended the window too early");
        }
    }
}
