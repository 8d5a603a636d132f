package dev.unbundled.internal.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class LiveStores {
    /** What {@link #get} answers when it cannot tell. */
    public static final Object UNKNOWN = new Object();

    private final Map<Integer, KeyValueStore<Object, ?>> byPartition = new ConcurrentHashMap<>();

    /** @return the registered store, to pass to {@link #unregister} */
    Object register(ProcessorContext<?, ?> context, String storeName) {
        KeyValueStore<Object, ?> store = context.getStateStore(storeName);
        byPartition.put(context.taskId().partition(), store);
        return store;
    }

    /** Unregisters a store, unless another task of the partition has registered its own since. */
    void unregister(ProcessorContext<?, ?> context, Object store) {
        byPartition.remove(context.taskId().partition(), store);
    }

    /**
     * @param partition the key's partition
     * @param key the key
     * @return the key's value from the partition's running store; null if absent; {@link #UNKNOWN} if this
     *         instance does not run the partition's active task now (ask Kafka Streams instead)
     */
    public Object get(int partition, Object key) {
        KeyValueStore<Object, ?> store = byPartition.get(partition);
        if (store == null) {
            return UNKNOWN;
        }
        Object value;
        try {
            value = store.get(key);
        } catch (RuntimeException e) {
            return UNKNOWN;
        }
        if (byPartition.get(partition) != store) {
            return UNKNOWN;
        }
        return StoredValues.unwrap(value);
    }

    /** @return the view's running stores here, in partition order, values unwrapped; empty if none runs */
    public List<ReadOnlyKeyValueStore<Object, Object>> running() {
        List<ReadOnlyKeyValueStore<Object, Object>> running = new ArrayList<>();
        new TreeMap<>(byPartition).values().forEach(store -> running.add(StoredValues.unwrapping(store)));
        return running;
    }
}
