package dev.unbundled.internal.compile;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.InMemoryKeyValueStore;

/**
 * The old values of views' changes. Kafka Streams hands a table's changes downstream without them (its
 * {@code toStream} drops them), and a view's change tap runs after the view's store was written; so each
 * view's own store is an {@link OldValueStore}, which keeps what its last write replaced while one of the
 * views tapping the store has subscribers, and the tap, on the same stream thread right after, decodes it.
 *
 * <p>Example: the compiler names the views' stores before it materialises anything, then taps them.
 * <pre>{@code
 * oldValues.viewStore("orders-by-id");
 * Materialized<...> store = ....withStoreType(oldValues.wrap("orders-by-id", suppliers));
 * }</pre>
 */
final class OldValues {
    /** Whether anybody wants the old values of one store's writes: one volatile read per write. */
    static final class Wanted {
        private volatile boolean on;

        boolean on() {
            return on;
        }

        void set(boolean on) {
            this.on = on;
        }
    }

    private final Set<String> viewStores = ConcurrentHashMap.newKeySet();
    private final Map<String, RowDecoder> decoders = new ConcurrentHashMap<>();
    private final Map<String, Wanted> wanted = new ConcurrentHashMap<>();
    /** The wrapped stores of the tasks open here, by store name and task. */
    private final Map<String, Map<TaskId, OldValueStore>> open = new ConcurrentHashMap<>();
    /** How many times a view's store was opened or closed here: see {@link #storeGeneration()}. */
    private final AtomicLong generation = new AtomicLong();
    private CachedRows.Budget readCache;

    /** @param store a store that is a view's own store, whose changes the view's tap delivers */
    /**
     * @param store a view's own store
     * @param decoder how its rows decode, if the view keeps its rows decoded (in memory only); else null
     */
    void viewStore(String store, RowDecoder decoder) {
        viewStores.add(store);
        if (decoder != null) {
            decoders.putIfAbsent(store, decoder);
        }
    }

    /** @return how a store's rows decode, if it keeps them decoded; else null */
    RowDecoder decoder(String store) {
        return decoders.get(store);
    }

    /** @return the flag of a store's writes */
    Wanted wanted(String store) {
        return wanted.computeIfAbsent(store, s -> new Wanted());
    }

    /**
     * @param store a store's name
     * @param suppliers the suppliers of the store's choice
     * @return suppliers whose key-value store keeps old values, for a view's own store; else {@code suppliers}
     */
    /**
     * @param store a store's name
     * @param suppliers the suppliers of its store choice
     * @param readCacheBytes the heap the choice lets caches of decoded rows in front of its stores take, if
     *     they are on disk; 0 for none
     * @return suppliers whose view stores keep old values, and keep decoded rows if their view does
     */
    DslStoreSuppliers wrap(String store, DslStoreSuppliers suppliers, long readCacheBytes) {
        if (!viewStores.contains(store)) {
            return suppliers;
        }
        Wanted capturing = wanted(store);
        boolean decoding = decoders.containsKey(store);
        CachedRows.Budget budget = decoding && readCacheBytes > 0 ? readCache(readCacheBytes) : null;
        return new WrappingSuppliers(suppliers, inner -> OldValueStore.of(decoding ? decoded(inner, budget) : inner,
                capturing, this));
    }

    /** @return the store that keeps decoded rows: a row store in place of Kafka Streams' in-memory one, a cache in front of one on disk */
    private static KeyValueStore<Bytes, byte[]> decoded(KeyValueStore<Bytes, byte[]> inner, CachedRows.Budget budget) {
        if (inner instanceof InMemoryKeyValueStore) {
            return new RowStore(inner.name());
        }
        return budget != null && inner.persistent() ? CachedRows.of(inner, budget) : inner;
    }

    /** @return the budget every read cache of this runtime shares: the largest any store choice asked for */
    private synchronized CachedRows.Budget readCache(long bytes) {
        if (readCache == null) {
            readCache = new CachedRows.Budget(bytes);
        }
        readCache.atLeast(bytes);
        return readCache;
    }

    void register(String store, TaskId task, OldValueStore wrapper) {
        open.computeIfAbsent(store, s -> new ConcurrentHashMap<>()).put(task, wrapper);
        generation.incrementAndGet();
    }

    void unregister(String store, TaskId task, OldValueStore wrapper) {
        generation.incrementAndGet();
        Map<TaskId, OldValueStore> byTask = open.get(store);
        if (byTask != null) {
            byTask.remove(task, wrapper);
        }
    }

    /**
     * @return a number that changes whenever a view's store is opened or closed here (a task, active or
     *     standby, came or went): what was learned about the local copies under one number, such as how far
     *     behind a standby is, holds only while the number stays the same
     */
    long storeGeneration() {
        return generation.get();
    }

    /** @return the task's wrapped store of that name, or null if it has none (the store is not a view's, or closed) */
    OldValueStore open(String store, TaskId task) {
        Map<TaskId, OldValueStore> byTask = open.get(store);
        return byTask == null ? null : byTask.get(task);
    }

    /**
     * How a view's tap turns what a write replaced into the change's old value.
     *
     * @param keys the store's key serde
     * @param values the view's value serde
     * @param counted whether the store holds counted aggregates (a table aggregation) rather than the values
     */
    record Decoder(Serializer<Object> keys, Deserializer<Object> values, boolean counted) {
        static Decoder of(DefinitionImpl<Object, Object> definition) {
            Serde<Object> values = definition.storesCounted()
                    ? erase(Aggregates.countedSerde(definition.valueSerde())) : definition.valueSerde();
            return new Decoder(definition.keySerde().serializer(), values.deserializer(), definition.storesCounted());
        }

        /**
         * @param store the task's wrapped store
         * @param before what its last write replaced, taken by the tap
         * @param topic the store's changelog topic, which the store's serdes are called with
         * @param key the changed key
         * @return the old value; empty if the key had none, or if the capture is of another key's write
         */
        Optional<Object> decode(OldValueStore store, OldValueStore.Before before, String topic, Object key) {
            if (!before.key().equals(Bytes.wrap(keys.serialize(topic, key)))) {
                return Optional.empty();
            }
            byte[] bytes = store.valueBytes(before.stored());
            Object stored = bytes == null ? null : values.deserialize(topic, bytes);
            return Optional.ofNullable(counted ? StoredValues.unwrap(stored) : stored);
        }

        @SuppressWarnings("unchecked")
        static Serde<Object> erase(Serde<?> serde) {
            return (Serde<Object>) serde;
        }
    }
}
