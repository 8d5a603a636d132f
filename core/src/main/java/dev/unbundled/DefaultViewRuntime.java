package dev.unbundled;

import dev.unbundled.internal.run.RunningView;
import dev.unbundled.internal.run.StreamsRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** The {@link ViewRuntime} users hold: a thin face over the running views, so the runtime itself knows no API. */
final class DefaultViewRuntime implements ViewRuntime {
    private final StreamsRuntime runtime;

    DefaultViewRuntime(StreamsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public <K, V> ReadOnlyView<K, V> view(ViewDefinition<K, V> definition) {
        return runtime.view(definition).reader();
    }

    @Override
    public RuntimeStatus status() {
        return new RuntimeStatus(runtime.views().stream().map(RunningView::status).toList());
    }

    @Override
    public ViewRuntime awaitReady(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        runtime.awaitReady(timeout);
        return this;
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return runtime.metrics();
    }

    @Override
    public Optional<String> queryAddress() {
        return runtime.queryAddress();
    }

    @Override
    public Map<String, Long> deadLetters() {
        return runtime.deadLetters();
    }

    @Override
    public Map<String, Long> updatesApplied() {
        return runtime.updatesApplied();
    }

    @Override
    public Map<String, Long> subscriptionsDropped() {
        return runtime.subscriptionsDropped();
    }

    @Override
    public String deadLetterTopic(ViewDefinition<?, ?> definition) {
        return runtime.deadLetterTopic(definition);
    }

    @Override
    public List<OldVersion> oldVersions() {
        return runtime.oldVersions();
    }

    @Override
    public List<OldVersion> removeOldVersions() {
        return runtime.removeOldVersions();
    }

    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return runtime.toString();
    }
}
