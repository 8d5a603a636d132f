package dev.unbundled.testkit;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Subscription;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewStatus;
import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.compile.StoredValues;
import dev.unbundled.internal.read.ViewHost;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * One view of a {@link ViewTestKit} as the host of its reads: the stores of the driver that runs it, always
 * ready while the kit is open.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class DriverHost<K, V> implements ViewHost<K, V> {
    private final DefinitionImpl<K, V> definition;
    private final KitDriver driver;
    private final CompiledViews views;

    DriverHost(DefinitionImpl<K, V> definition, KitDriver driver) {
        this.definition = definition;
        this.driver = driver;
        this.views = driver.views;
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public Serde<K> keySerde() {
        return definition.keySerde();
    }

    @Override
    public Serde<V> valueSerde() {
        return definition.valueSerde();
    }

    @Override
    @SuppressWarnings("unchecked")
    public ReadOnlyKeyValueStore<K, V> store() {
        if (driver.isClosed()) {
            throw new IllegalStateException("View '" + name() + "' belongs to a closed ViewTestKit; create a new one");
        }
        return (ReadOnlyKeyValueStore<K, V>) (ReadOnlyKeyValueStore<?, ?>) StoredValues.unwrapping(
                driver.driver.getTimestampedKeyValueStore(views.storeNames().get(name())));
    }

    @Override
    public V getAsOf(K key, long asOfMillis) {
        store();
        String history = views.historyStore(name());
        if (asOfMillis < 0) {
            return null;
        }
        VersionedRecord<V> version = driver.driver.<K, V>getVersionedKeyValueStore(history).get(key, asOfMillis);
        return version == null ? null : version.value();
    }

    /** Every piped record is processed before {@code pipe} returns: the view is never behind. */
    @Override
    public ViewStatus status() {
        if (driver.isClosed()) {
            return new ViewStatus(name(), ViewStatus.State.CLOSED, 0);
        }
        Set<String> topics = views.inputTopics(name());
        Map<TopicPartition, Long> lag = new HashMap<>();
        views.positions().snapshot().keySet().forEach(partition -> {
            if (topics.contains(partition.topic())) {
                lag.put(partition, 0L);
            }
        });
        return new ViewStatus(name(), ViewStatus.State.READY, 0, lag, 0,
                views.positions().lastUpdate(topics).stream().mapToObj(Instant::ofEpochMilli).findFirst());
    }

    @Override
    public void awaitReady(Duration timeout) {
        store();
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> listener, int capacity) {
        store();
        return views.changes().subscribe(name(), listener, capacity);
    }

    @Override
    public void awaitFreshness(Freshness freshness, Duration timeout) {
        store();
        views.requireReadsAll(name(), freshness);
    }

    @Override
    @SuppressWarnings("unchecked")
    public ViewHost<Object, V> index(ViewIndex<?, ?> index) {
        java.util.Objects.requireNonNull(index, () -> "View '" + name() + "': index must not be null");
        ViewIndex<?, ?> declared = definition.index(index.name()).orElseThrow(() -> new IllegalArgumentException(
                "View '" + name() + "' has no index '" + index.name() + "'; declare it on the view's definition with"
                        + " withIndex(ViewIndex.of(\"" + index.name() + "\", ...))"));
        return new DriverIndexHost<>((DriverHost<Object, V>) this, driver, declared,
                definition.indexStore(index.name()));
    }

    @Override
    public RuntimeException notReady(RuntimeException cause) {
        return new ViewNotReadyException(name(), status().state(), "View '" + name() + "' cannot be read: "
                + cause.getMessage(), cause);
    }
}
