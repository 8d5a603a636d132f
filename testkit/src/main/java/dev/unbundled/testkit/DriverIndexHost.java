package dev.unbundled.testkit;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Subscription;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewStatus;
import dev.unbundled.internal.read.IndexRows;
import dev.unbundled.internal.read.IndexedKey;
import dev.unbundled.internal.read.ViewHost;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One index of a {@link ViewTestKit}'s view as the host of its reads: the driver's index store joined with
 * the view's store.
 *
 * @param <V> the view's value type
 */
final class DriverIndexHost<V> implements ViewHost<Object, V> {
    private final DriverHost<Object, V> view;
    private final KitDriver driver;
    private final String name;
    private final String store;
    private final Serde<Object> keySerde;
    private final IndexRows.IndexCheck check;

    DriverIndexHost(DriverHost<Object, V> view, KitDriver driver, ViewIndex<?, ?> index, String store) {
        this.view = view;
        this.driver = driver;
        this.name = view.name() + "." + index.name();
        this.store = store;
        this.keySerde = IndexedKey.serde(view.keySerde().deserializer());
        this.check = new IndexRows.IndexCheck(index);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Serde<Object> keySerde() {
        return keySerde;
    }

    @Override
    public Serde<V> valueSerde() {
        return view.valueSerde();
    }

    @Override
    @SuppressWarnings("unchecked")
    public ReadOnlyKeyValueStore<Object, V> store() {
        ReadOnlyKeyValueStore<Object, Object> rows = (ReadOnlyKeyValueStore<Object, Object>) view.store();
        KeyValueStore<Bytes, byte[]> entries = driver.driver.getKeyValueStore(store);
        return (ReadOnlyKeyValueStore<Object, V>) (ReadOnlyKeyValueStore<?, ?>) new IndexRows(entries, rows,
                view.keySerde().deserializer(), check);
    }

    @Override
    public V getAsOf(Object key, long asOfMillis) {
        throw unsupported("a read as of a time");
    }

    @Override
    public ViewStatus status() {
        return view.status();
    }

    @Override
    public void awaitReady(Duration timeout) {
        view.awaitReady(timeout);
    }

    @Override
    public void awaitFreshness(Freshness freshness, Duration timeout) {
        view.awaitFreshness(freshness, timeout);
    }

    @Override
    public Subscription subscribe(ChangeListener<Object, V> listener, int capacity) {
        throw unsupported("a subscription");
    }

    @Override
    public RuntimeException notReady(RuntimeException cause) {
        return view.notReady(cause);
    }

    @Override
    public ViewHost<Object, V> index(ViewIndex<?, ?> index) {
        throw unsupported("an index");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("Index '" + name + "' is read by index key (get, range, prefixScan,"
                + " page); " + what + " is read on the view");
    }
}
