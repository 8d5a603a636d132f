package dev.unbundled.internal.read;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Subscription;
import dev.unbundled.ViewStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Where one view's reads are answered: the runtime's running view, or the testkit's driver. A
 * {@link StoreView} holds one and reads through it, with no lookup by name.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ViewHost<K, V> {

    /** @return the view's name */
    String name();

    /** @return the view's key serde, which orders its keys */
    Serde<K> keySerde();

    /** @return the view's value serde */
    Serde<V> valueSerde();

    /**
     * @return the store behind the view, ready to read
     * @throws dev.unbundled.ViewNotReadyException if the store cannot be read yet
     * @throws IllegalStateException if the host has been closed
     */
    ReadOnlyKeyValueStore<K, V> store();

    /**
     * The view's store one partition at a time, for scans that must merge partitions in serialised-key order
     * (a store over all local partitions returns one partition's rows after another's).
     *
     * @return one store per local partition of the view
     * @throws dev.unbundled.ViewNotReadyException if the stores cannot be read yet
     */
    default List<ReadOnlyKeyValueStore<K, V>> partitionStores() {
        return List.of(store());
    }

    /**
     * @param key the key
     * @return its value, or null
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException if the store cannot be read now
     */
    default V get(K key) {
        return store().get(key);
    }

    /**
     * A point read answered from a row kept decoded by key object, when there is one: a hash lookup, no
     * serialising, no partition to find, nothing allocated.
     *
     * @param key a key
     * @return its value, always present, if a read of it here is kept and still current in the active copy of
     *     its partition here; null if there is none, and the key must be read the long way
     */
    default Optional<V> remembered(K key) {
        return null;
    }

    /**
     * One partition's copy of the view's store on this instance.
     *
     * @param partition the partition
     * @param standby whether a standby copy may answer when no active one runs here
     * @return the store
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException if no such copy runs here
     * @throws IllegalArgumentException if the view has no such partition
     */
    default ReadOnlyKeyValueStore<K, V> partitionStore(int partition, boolean standby) {
        return store();
    }

    /** @return this instance's advertised address, {@code host:port}, or {@code "local"} if it advertises none */
    default String instance() {
        return "local";
    }

    /**
     * Reads the view's history: the value the view held for a key at an instant.
     *
     * @param key the key
     * @param asOfMillis the instant, in milliseconds since the epoch; a negative one finds nothing, as
     *     Kafka record timestamps are never negative
     * @return the value valid at that instant, or null if the key was absent, deleted, or the instant is
     *     older than the history keeps
     * @throws UnsupportedOperationException if the view keeps no history
     * @throws dev.unbundled.ViewNotReadyException if the history cannot be read yet
     * @throws IllegalStateException if the host has been closed
     */
    V getAsOf(K key, long asOfMillis);

    /** @return the view's state now */
    ViewStatus status();

    /**
     * Waits until the view answers reads.
     *
     * @param timeout how long to wait at most
     * @throws dev.unbundled.ViewNotReadyException if the view is not ready in time
     */
    void awaitReady(Duration timeout);

    /**
     * Waits until the view has processed the given positions.
     *
     * @param freshness the positions
     * @param timeout how long to wait at most
     * @throws IllegalArgumentException if the token names a topic the view does not read
     * @throws dev.unbundled.ViewNotReadyException if the positions are not processed in time
     */
    void awaitFreshness(Freshness freshness, Duration timeout);

    /**
     * Subscribes to the view's changes.
     *
     * @param listener the listener
     * @param capacity the buffer's size
     * @return the subscription
     * @throws IllegalStateException if the host has been closed
     */
    Subscription subscribe(ChangeListener<K, V> listener, int capacity);

    /**
     * Translates Kafka Streams' store exception into what users see.
     *
     * @param cause what the store threw
     * @return the exception to throw instead
     */
    RuntimeException notReady(RuntimeException cause);

    /**
     * @param index an index the view declares
     * @return a host of the index's entries, keyed by {@link IndexedKey}, valued by the view's rows
     * @throws IllegalArgumentException if the view declares no such index
     */
    ViewHost<Object, V> index(dev.unbundled.ViewIndex<?, ?> index);
}
