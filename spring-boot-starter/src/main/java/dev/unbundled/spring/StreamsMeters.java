package dev.unbundled.spring;

import dev.unbundled.ViewRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own metrics of a runtime (its clients, threads, tasks and stores), as Micrometer meters named as
 * Micrometer's {@code KafkaStreamsMetrics} names them: {@code kafka.<group>.<name>}, group without its
 * {@code -metrics} suffix, dashes as dots ({@code kafka.stream.thread.process.total}), tagged with the metric's
 * tags. Cumulative metrics ({@code -total}) are counters, the rest gauges.
 *
 * <p>{@code KafkaStreamsMetrics} itself needs the {@code KafkaStreams} instance, which the runtime keeps to itself;
 * this binds {@link ViewRuntime#metrics()} instead. Metrics appear as tasks and stores are assigned, so the map is
 * read again every {@code refresh}: new metrics are bound, vanished ones removed. Close it to stop.
 *
 * <pre>{@code
 * try (StreamsMeters meters = new StreamsMeters(runtime, Duration.ofSeconds(60))) {
 *     meters.bindTo(registry);
 *     ...
 * }
 * }</pre>
 */
public final class StreamsMeters implements MeterBinder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsMeters.class);

    private final ViewRuntime runtime;
    private final Duration refresh;
    private final Map<MeterRegistry, Map<MetricName, Meter>> bound = new IdentityHashMap<>();
    private ScheduledExecutorService scheduler;
    private boolean closed;

    /**
     * @param runtime the runtime whose metrics to bind
     * @param refresh how often to bind the metrics that appeared since, positive
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the refresh is not positive
     */
    public StreamsMeters(ViewRuntime runtime, Duration refresh) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.refresh = Objects.requireNonNull(refresh, "refresh");
        if (refresh.isZero() || refresh.isNegative()) {
            throw new IllegalArgumentException("refresh must be positive, was " + refresh
                    + "; set unbundled.metrics.refresh to a duration such as 60s");
        }
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (closed) {
            throw new IllegalStateException("StreamsMeters was closed; create a new one to bind again");
        }
        bound.putIfAbsent(registry, new HashMap<>());
        refresh(registry);
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "unbundled-streams-meters");
                thread.setDaemon(true);
                return thread;
            });
            long millis = refresh.toMillis();
            scheduler.scheduleWithFixedDelay(this::refreshAll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void refreshAll() {
        try {
            bound.keySet().forEach(this::refresh);
        } catch (RuntimeException e) {
            LOG.warn("Cannot bind Kafka Streams' metrics now; trying again in {}", refresh, e);
        }
    }

    private void refresh(MeterRegistry registry) {
        Map<MetricName, ? extends Metric> metrics = runtime.metrics();
        Map<MetricName, Meter> meters = bound.get(registry);
        for (Iterator<Map.Entry<MetricName, Meter>> it = meters.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<MetricName, Meter> entry = it.next();
            if (!metrics.containsKey(entry.getKey())) {
                registry.remove(entry.getValue());
                it.remove();
            }
        }
        metrics.forEach((name, metric) -> {
            if (!meters.containsKey(name) && metric.metricValue() instanceof Number) {
                try {
                    meters.put(name, register(registry, name, metric));
                } catch (IllegalArgumentException clash) {
                    // a registry such as Prometheus' refuses one name with two sets of tag keys
                    LOG.debug("Kafka Streams metric {} not bound: {}", name, clash.getMessage());
                }
            }
        });
    }

    private static Meter register(MeterRegistry registry, MetricName name, Metric metric) {
        String meterName = "kafka." + name.group().replaceFirst("-metrics$", "").replace('-', '.') + "."
                + name.name().replace('-', '.');
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> tag : name.tags().entrySet()) {
            tags = tags.and(tag.getKey(), tag.getValue());
        }
        if (name.name().endsWith("-total")) {
            return FunctionCounter.builder(meterName, metric, StreamsMeters::value).tags(tags)
                    .description(name.description()).register(registry);
        }
        return Gauge.builder(meterName, metric, StreamsMeters::value).tags(tags).description(name.description())
                .register(registry);
    }

    private static double value(Metric metric) {
        return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    /** Stops reading new metrics; the meters bound stay in their registries. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
