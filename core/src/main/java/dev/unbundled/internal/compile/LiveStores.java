package dev.unbundled.internal.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * to find. An entry answers only while its row is {@linkplain RowStore.Row#current current} and its store
 * serves as active; anything else is a miss, read the long way.
 */
public final class LiveStores {
    /** What {@link #get} answers when it cannot tell. */
    public static final Object UNKNOWN = new Object();

    private final Map<Integer, KeyValueStore<Object, ?>> byPartition = new ConcurrentHashMap<>();
    private final Map<Integer, DecodedRows> rowsByPartition = new ConcurrentHashMap<>();
    private final Map<Object, Remembered> byKey = new ConcurrentHashMap<>();

    /** A row read by key, kept under the key object; valid while the row is current and its store serves. */
    private record Remembered(RowSource store, RowStore.Row row, Object value) {
        boolean valid() {
            return row.current() && store.serving();
        }
    }

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
        return store;
    }

    void unregister(ProcessorContext<?, ?> context, Object store) {
        int partition = context.taskId().partition();
        if (byPartition.remove(partition, store)) {
            DecodedRows rows = rowsByPartition.remove(partition);
            if (rows != null) {
                rows.store().serving(false);
                byKey.values().removeIf(remembered -> remembered.store() == rows.store());
            }
        }
    }

    /**
     * @param key a key
     * @return the key's value if a read of it was kept and is still valid, else {@link #UNKNOWN}
     */
    public Object remembered(Object key) {
        Remembered remembered = byKey.get(key);
        if (remembered == null) {
            return UNKNOWN;
        }
        if (remembered.valid()) {
            return remembered.value();
        }
        byKey.remove(key, remembered);
        return UNKNOWN;
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
        if (KeyTypes.valueBased(key.getClass())) {
            Remembered remembered = new Remembered(rows.store(), row, value);
            byKey.put(key, remembered);
            // the store forgets the entry when it replaces the row; if it already has, forget it here
            row.onRetire(() -> byKey.remove(key, remembered));
            if (!remembered.valid()) {
                byKey.remove(key, remembered);
            }
        }
        return value;
    }

    /** @return the running stores in partition order, as the view's reads see them */
    public List<ReadOnlyKeyValueStore<Object, Object>> running() {
        List<ReadOnlyKeyValueStore<Object, Object>> running = new ArrayList<>();
        new TreeMap<>(byPartition).forEach((partition, store) -> {
            DecodedRows rows = rowsByPartition.get(partition);
            running.add(rows != null && rows.scannable() ? rows : StoredValues.unwrapping(store));
        });
        return running;
    }
}
