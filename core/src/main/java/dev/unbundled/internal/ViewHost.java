package dev.unbundled.internal;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Subscription;
import dev.unbundled.ViewStatus;
import java.time.Duration;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Where a {@link StoreView} finds its store and its state: the runtime, or the testkit's driver. */
public interface ViewHost {

    /**
     * @param view the view's name
     * @return the store behind the view, ready to read
     * @throws dev.unbundled.ViewNotReadyException if the store cannot be read yet
     * @throws IllegalStateException if the host has been closed
     */
    ReadOnlyKeyValueStore<Object, Object> store(String view);

    /**
     * The view's store one partition at a time, for scans that must merge partitions in serialised-key order (a store
     * over all local partitions returns one partition's rows after another's).
     *
     * @param view the view's name
     * @return one store per local partition of the view
     * @throws dev.unbundled.ViewNotReadyException if the stores cannot be read yet
     */
    default java.util.List<ReadOnlyKeyValueStore<Object, Object>> partitionStores(String view) {
        return java.util.List.of(store(view));
    }

    /**
     * Reads one key of a view.
     *
     * @param view the view's name
     * @param key the key
     * @return its value, or null
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException if the store cannot be read now
     */
    default Object get(String view, Object key) {
        return store(view).get(key);
    }

    /**
     * One partition's copy of the view's store on this instance.
     *
     * @param view the view's name
     * @param partition the partition
     * @param standby whether a standby copy may answer when no active one runs here
     * @return the store
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException if no such copy runs here
     * @throws IllegalArgumentException if the view has no such partition
     */
    default ReadOnlyKeyValueStore<Object, Object> partitionStore(String view, int partition, boolean standby) {
        return store(view);
    }

    /** @return this instance's advertised address, {@code host:port}, or {@code "local"} if it advertises none */
    default String instance() {
        return "local";
    }

    /**
     * Reads a view's history: the value the view held for a key at an instant.
     *
     * @param view the view's name
     * @param key the key
     * @param asOfMillis the instant, in milliseconds since the epoch; a negative one finds nothing, as
     *     Kafka record timestamps are never negative
     * @return the value valid at that instant, or null if the key was absent, deleted, or the instant is
     *     older than the history keeps
     * @throws UnsupportedOperationException if the view keeps no history
     * @throws dev.unbundled.ViewNotReadyException if the history cannot be read yet
     * @throws IllegalStateException if the host has been closed
     */
    Object getAsOf(String view, Object key, long asOfMillis);

    /**
     * @param view the view's name
     * @return the view's state now
     */
    ViewStatus status(String view);

    /**
     * Waits until the view answers reads.
     *
     * @param view the view's name
     * @param timeout how long to wait at most
     * @throws dev.unbundled.ViewNotReadyException if the view is not ready in time
     */
    void awaitReady(String view, Duration timeout);

    /**
     * Waits until the view has processed the given positions.
     *
     * @param view the view's name
     * @param freshness the positions
     * @param timeout how long to wait at most
     * @throws IllegalArgumentException if the token names a topic the view does not read
     * @throws dev.unbundled.ViewNotReadyException if the positions are not processed in time
     */
    void awaitFreshness(String view, Freshness freshness, Duration timeout);

    /**
     * Subscribes to a view's changes.
     *
     * @param view the view's name
     * @param listener the listener
     * @param capacity the buffer's size
     * @param <K> the key type
     * @param <V> the value type
     * @return the subscription
     * @throws IllegalStateException if the host has been closed
     */
    <K, V> Subscription subscribe(String view, ChangeListener<K, V> listener, int capacity);

    /**
     * Translates Kafka Streams' store exception into what users see.
     *
     * @param view the view's name
     * @param cause what the store threw
     * @return the exception to throw instead
     */
    RuntimeException notReady(String view, RuntimeException cause);
}
