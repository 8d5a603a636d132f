package dev.unbundled.internal.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stores of one view's running active tasks, by partition, for point reads that skip Kafka Streams'
 * store lookup (which lists every thread's tasks and probes every partition on each call).
 *
 * <p>The view's change tap registers its task's store when Kafka Streams initialises the task's processors,
 * which it does only once the task runs, and unregisters it when it closes them, which it does before it
 * closes the stores. So a registered store is open; a read that finds its store still registered after
 * reading read an open store. Standby and restoring tasks have no running processors and never register.
 *
 * <p>An in-memory view's stores are {@link RowStore}s, read through {@link DecodedRows}. For keys whose
 * {@code equals} agrees with their serialised form ({@link KeyTypes}), the rows read by key are also kept by
 * key object, so that a repeated {@link #remembered get} is one hash lookup: no serialising, no partition
 * to find. An entry is kept only while its row is {@linkplain RowStore.Row#current current} and its store
 * serves as active; anything else is a miss, read the long way.
 */
public final class LiveStores {
    /** What {@link #get} answers when it cannot tell. */
    public static final Object UNKNOWN = new Object();

    private final Map<Integer, KeyValueStore<Object, ?>> byPartition = new ConcurrentHashMap<>();
    private final Map<Integer, DecodedRows> rowsByPartition = new ConcurrentHashMap<>();
    /**
     * Rows read by key, as the answer handed out, under the key object: a hit is one hash lookup and no
     * allocation. An entry is there only while its row is current and its store serves: it is removed when
     * the row retires ({@link RowStore.Row#onRetire}), and all are when a store is unregistered.
     */
    private final Map<Object, Optional<Object>> byKey = new ConcurrentHashMap<>();
    private volatile List<ReadOnlyKeyValueStore<Object, Object>> running = List.of();
    /** The stores of the view's indexes, by index name and partition, as their writers registered them. */
    private final Map<String, Map<Integer, ReadOnlyKeyValueStore<Bytes, byte[]>>> indexes = new ConcurrentHashMap<>();

    /**
     * @param context the task's processor context
     * @param storeName the view's store
     * @param rows the store's rows if it keeps them decoded (an in-memory view's row store, or a cache in
     *     front of a store on disk), else null
     * @return the registered store, to pass to {@link #unregister}
     */
    Object register(ProcessorContext<?, ?> context, String storeName, DecodedRows rows) {
        KeyValueStore<Object, ?> store = context.getStateStore(storeName);
        int partition = context.taskId().partition();
        if (rows != null) {
            rows.store().serving(true);
            rowsByPartition.put(partition, rows);
        } else {
            rowsByPartition.remove(partition);
        }
        byPartition.put(partition, store);
        listRunning();
        return store;
    }

    void unregister(ProcessorContext<?, ?> context, Object store) {
        int partition = context.taskId().partition();
        if (byPartition.remove(partition, store)) {
            DecodedRows rows = rowsByPartition.remove(partition);
            listRunning();
            if (rows != null) {
                rows.store().serving(false);
                // a rebalance is rare: forget every kept read rather than keep a store beside each
                byKey.clear();
            }
        }
    }

    /** Registers the index store of a running task, as its writer opens it. */
    void registerIndex(String index, ProcessorContext<?, ?> context, ReadOnlyKeyValueStore<Bytes, byte[]> store) {
        indexes.computeIfAbsent(index, name -> new ConcurrentHashMap<>()).put(context.taskId().partition(), store);
    }

    /** Forgets the index store of a task whose writer closes, which it does before its stores close. */
    void unregisterIndex(String index, ProcessorContext<?, ?> context, ReadOnlyKeyValueStore<Bytes, byte[]> store) {
        Map<Integer, ReadOnlyKeyValueStore<Bytes, byte[]>> stores = indexes.get(index);
        if (stores != null) {
            stores.remove(context.taskId().partition(), store);
        }
    }

    /**
     * @param index an index of the view
     * @param partition a partition
     * @return the index store of the partition's active task running here, or null if there is none
     */
    public ReadOnlyKeyValueStore<Bytes, byte[]> index(String index, int partition) {
        Map<Integer, ReadOnlyKeyValueStore<Bytes, byte[]>> stores = indexes.get(index);
        return stores == null ? null : stores.get(partition);
    }

    /**
     * @param key a key
     * @return the key's value, always present, if a read of it was kept and is still valid; else null
     */
    public Optional<Object> remembered(Object key) {
        return byKey.get(key);
    }

    /**
     * Reads a key from a partition's running store.
     *
     * @param partition the partition
     * @param key the key
     * @return the value, null if the store has none, or {@link #UNKNOWN} if no store of the partition is
     *     registered or it closed while being read
     */
    public Object get(int partition, Object key) {
        KeyValueStore<Object, ?> store = byPartition.get(partition);
        if (store == null) {
            return UNKNOWN;
        }
        DecodedRows rows = rowsByPartition.get(partition);
        Object value;
        try {
            value = rows == null ? StoredValues.unwrap(store.get(key)) : decoded(rows, key);
        } catch (RuntimeException e) {
            return UNKNOWN;
        }
        if (byPartition.get(partition) != store) {
            return UNKNOWN;
        }
        return value;
    }

    private Object decoded(DecodedRows rows, Object key) {
        rows.requireServing();
        Bytes serialised = Bytes.wrap(rows.decoder().serialize(key));
        RowStore.Row row = rows.store().row(serialised);
        rows.requireServing();
        if (row == null) {
            return null;
        }
        Object value = row.decoded(rows.decoder(), serialised).value();
        if (value != null && KeyTypes.valueBased(key.getClass())) {
            remember(rows, key, row, Optional.of(value));
        }
        return value;
    }

    /**
     * Keeps a read under its key. The row's retirement forgets it, at once if the row retired already; and
     * the entry is put under the map's lock on its key only if the row is still current then, so that a
     * retirement either sees the entry (its forget waits for the lock) or the put sees the retirement: no
     * entry of a replaced row outlives its replacement.
     */
    private void remember(DecodedRows rows, Object key, RowStore.Row row, Optional<Object> answer) {
        row.onRetire(() -> forget(key, row));
        byKey.compute(key, (same, kept) -> row.current() ? answer : kept);
        // an unregister that cleared the entries before this one was put did not see it: forget it here
        if (!rows.store().serving()) {
            byKey.computeIfPresent(key, (same, kept) -> kept == answer ? null : kept);
        }
    }

    /**
     * Forgets the read of a row that retired. A row decodes once ({@link RowStore.Row#decoded}), so every entry
     * of the row holds the row's one value object: identity tells the row's entry from another row's. (Two rows
     * whose values are one shared object, such as a small boxed number, are equal: forgetting the other's entry
     * only costs a decode.)
     */
    private void forget(Object key, RowStore.Row retired) {
        byKey.computeIfPresent(key, (same, kept) -> kept.get() == retired.value() ? null : kept);
    }

    /** @return the partitions whose active stores run here, in order; empty while none registered */
    public SortedSet<Integer> partitions() {
        return new TreeSet<>(byPartition.keySet());
    }

    /** @return the running stores in partition order, as the view's reads see them */
    public List<ReadOnlyKeyValueStore<Object, Object>> running() {
        return running;
    }

    /** Rebuilds the list of running stores after a store came or went: scans read it without building it. */
    private synchronized void listRunning() {
        List<ReadOnlyKeyValueStore<Object, Object>> stores = new ArrayList<>();
        new TreeMap<>(byPartition).forEach((partition, store) -> {
            DecodedRows rows = rowsByPartition.get(partition);
            stores.add(rows != null && rows.scannable() ? rows : StoredValues.unwrapping(store));
        });
        running = List.copyOf(stores);
    }
}
