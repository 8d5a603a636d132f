package dev.unbundled.spring;

import dev.unbundled.ReadListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Records every read of a runtime's views in Micrometer, as a {@link ReadListener}:
 *
 * <table>
 * <caption>meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code unbundled.view.read}</td><td>timer</td><td>{@code view}, {@code kind} ({@code GET}, {@code RANGE},
 *     ...)</td><td>how long reads take</td></tr>
 * <tr><td>{@code unbundled.view.reads}</td><td>counter</td><td>{@code view}, {@code outcome} ({@code LOCAL},
 *     {@code REMOTE}, {@code STANDBY}, {@code ROUTED}, {@code NOT_READY}, {@code FAILED})</td><td>where reads were
 *     answered, or how they failed</td></tr>
 * </table>
 *
 * <p>The starter sets it on the runtime it builds; without Spring:
 *
 * <pre>{@code
 * ReadMeters reads = new ReadMeters();
 * reads.bindTo(registry);
 * ViewRuntime.builder().readListener(reads)...start();
 * }</pre>
 */
public final class ReadMeters implements ReadListener, MeterBinder {
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Map<String, Meters> byView = new ConcurrentHashMap<>();

    /** Creates the meters; bind them to a registry before reads are recorded there. */
    public ReadMeters() {
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        byView.clear();
    }

    @Override
    public void onRead(String view, Kind kind, Outcome outcome, long nanos) {
        Meters meters = byView.computeIfAbsent(view, Meters::new);
        for (Timer timer : meters.timers[kind.ordinal()]) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
        for (Counter counter : meters.counters[outcome.ordinal()]) {
            counter.increment();
        }
    }

    /** One view's meters in every bound registry, by kind and by outcome, made once. */
    private final class Meters {
        final Timer[][] timers = new Timer[Kind.values().length][];
        final Counter[][] counters = new Counter[Outcome.values().length][];

        Meters(String view) {
            for (Kind kind : Kind.values()) {
                timers[kind.ordinal()] = registries.stream().map(registry -> Timer.builder("unbundled.view.read")
                        .tag("view", view).tag("kind", kind.name()).description("How long reads of the view take")
                        .register(registry)).toArray(Timer[]::new);
            }
            for (Outcome outcome : Outcome.values()) {
                counters[outcome.ordinal()] = registries.stream().map(registry -> Counter.builder("unbundled.view.reads")
                        .tag("view", view).tag("outcome", outcome.name()).baseUnit("reads")
                        .description("Reads of the view by where they were answered, or how they failed")
                        .register(registry)).toArray(Counter[]::new);
            }
        }
    }
}
