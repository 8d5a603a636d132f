package dev.unbundled.spring;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Micrometer meters for each view of a runtime, tagged {@code view=<name>}:
 *
 * <table>
 * <caption>meters</caption>
 * <tr><th>name</th><th>type</th><th>what</th></tr>
 * <tr><td>{@code unbundled.view.lag}</td><td>gauge</td><td>records of the input topics not yet processed
 *     ({@link ViewStatus#totalLag()})</td></tr>
 * <tr><td>{@code unbundled.view.ready}</td><td>gauge</td><td>1 while the view answers reads, else 0</td></tr>
 * <tr><td>{@code unbundled.view.restore.remaining}</td><td>gauge</td><td>records still to restore, 0 when no
 *     restore is under way</td></tr>
 * <tr><td>{@code unbundled.view.restored}</td><td>counter</td><td>records restored into the view's stores since
 *     start</td></tr>
 * <tr><td>{@code unbundled.view.dead.letters}</td><td>counter</td><td>records sent to the view's dead-letter
 *     topic since start</td></tr>
 * <tr><td>{@code unbundled.view.updates.applied}</td><td>counter</td><td>updates applied to the view's store since
 *     start ({@link ViewRuntime#updatesApplied()})</td></tr>
 * <tr><td>{@code unbundled.view.subscriptions.dropped}</td><td>counter</td><td>change subscriptions dropped for not
 *     keeping up ({@link ViewRuntime#subscriptionsDropped()})</td></tr>
 * </table>
 *
 * <p>The starter binds it when Micrometer is present; without Spring:
 *
 * <pre>{@code
 * new ViewMeters(runtime, List.of(ORDER_NOTES)).bindTo(registry);
 * }</pre>
 */
public final class ViewMeters implements MeterBinder {
    private final ViewRuntime runtime;
    private final List<ReadOnlyView<?, ?>> views = new ArrayList<>();
    /** Micrometer holds a gauge's state weakly: the meters' states live as long as this binder. */
    private final List<RecentStatus> statuses = new ArrayList<>();

    /**
     * @param runtime the runtime that runs the views
     * @param definitions the views to measure
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the runtime does not run one of the views
     */
    public ViewMeters(ViewRuntime runtime, Collection<? extends ViewDefinition<?, ?>> definitions) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(definitions, "definitions").forEach(definition -> views.add(runtime.view(definition)));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ReadOnlyView<?, ?> view : views) {
            Tags tags = Tags.of("view", view.name());
            RecentStatus status = new RecentStatus(view);
            statuses.add(status);
            Gauge.builder("unbundled.view.lag", status, s -> s.get().totalLag()).tags(tags).baseUnit("records")
                    .description("Records of the view's input topics not yet processed").register(registry);
            Gauge.builder("unbundled.view.ready", status, s -> s.get().isReady() ? 1 : 0).tags(tags)
                    .description("1 while the view answers reads, else 0").register(registry);
            Gauge.builder("unbundled.view.restore.remaining", status, s -> s.get().restoring()
                            .map(r -> Math.max(0, r.total() - r.restored())).orElse(0L)).tags(tags).baseUnit("records")
                    .description("Records still to restore into the view's stores; 0 when no restore is under way")
                    .register(registry);
            FunctionCounter.builder("unbundled.view.restored", status, s -> s.get().restoredRecords()).tags(tags)
                    .baseUnit("records").description("Records restored into the view's stores since start")
                    .register(registry);
            String name = view.name();
            FunctionCounter.builder("unbundled.view.dead.letters", runtime,
                            r -> r.deadLetters().getOrDefault(name, 0L)).tags(tags).baseUnit("records")
                    .description("Records sent to the view's dead-letter topic since start").register(registry);
            FunctionCounter.builder("unbundled.view.updates.applied", runtime,
                            r -> r.updatesApplied().getOrDefault(name, 0L)).tags(tags).baseUnit("updates")
                    .description("Updates applied to the view's store since start").register(registry);
            FunctionCounter.builder("unbundled.view.subscriptions.dropped", runtime,
                            r -> r.subscriptionsDropped().getOrDefault(name, 0L)).tags(tags).baseUnit("subscriptions")
                    .description("Change subscriptions of the view dropped for not keeping up").register(registry);
        }
    }

    /** A view's status, asked at most every 500 ms however many meters read it in one scrape. */
    private static final class RecentStatus {
        private static final long FRESH_NANOS = 500_000_000L;
        private final ReadOnlyView<?, ?> view;
        private ViewStatus status;
        private long askedAt;

        RecentStatus(ReadOnlyView<?, ?> view) {
            this.view = view;
        }

        synchronized ViewStatus get() {
            long now = System.nanoTime();
            if (status == null || now - askedAt > FRESH_NANOS) {
                status = view.status();
                askedAt = now;
            }
            return status;
        }
    }
}
