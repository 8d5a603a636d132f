package dev.unbundled.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stores of the views' running active tasks, by view and partition, for point reads that skip Kafka
 * Streams' store lookup (which lists every thread's tasks and probes every partition on each call).
 *
 * <p>A view's change tap registers its task's store when Kafka Streams initialises the task's processors,
 * which it does only once the task runs, and unregisters it when it closes them, which it does before it
 * closes the stores. So a registered store is open; a read that finds its store still registered after
 * reading read an open store. Standby and restoring tasks have no running processors and never register.
 */
final class LiveStores {
    private final Map<String, Map<Integer, KeyValueStore<Object, ?>>> byView = new ConcurrentHashMap<>();

    /** @return the registered store, to pass to {@link #unregister} */
    Object register(String view, ProcessorContext<?, ?> context, String storeName) {
        KeyValueStore<Object, ?> store = context.getStateStore(storeName);
        byView.computeIfAbsent(view, v -> new ConcurrentHashMap<>()).put(context.taskId().partition(), store);
        return store;
    }

    /** Unregisters a store, unless another task of the partition has registered its own since. */
    void unregister(String view, ProcessorContext<?, ?> context, Object store) {
        Map<Integer, KeyValueStore<Object, ?>> stores = byView.get(view);
        if (stores != null) {
            stores.remove(context.taskId().partition(), store);
        }
    }

    /**
     * @param view a view
     * @param partition the key's partition
     * @param key the key
     * @return the key's value from the partition's running store; null if absent; {@link #UNKNOWN} if this
     *         instance does not run the partition's active task now (ask Kafka Streams instead)
     */
    Object get(String view, int partition, Object key) {
        Map<Integer, KeyValueStore<Object, ?>> stores = byView.get(view);
        KeyValueStore<Object, ?> store = stores == null ? null : stores.get(partition);
        if (store == null) {
            return UNKNOWN;
        }
        Object value;
        try {
            value = store.get(key);
        } catch (RuntimeException e) {
            return UNKNOWN;
        }
        if (stores.get(partition) != store) {
            return UNKNOWN;
        }
        return StoredValues.unwrap(value);
    }

    /**
     * @param view a view
     * @return the view's running stores here, in partition order, values unwrapped; empty if none runs
     */
    List<ReadOnlyKeyValueStore<Object, Object>> running(String view) {
        Map<Integer, KeyValueStore<Object, ?>> stores = byView.get(view);
        if (stores == null) {
            return List.of();
        }
        List<ReadOnlyKeyValueStore<Object, Object>> running =
                new ArrayList<>();
        new TreeMap<>(stores).values().forEach(store -> running.add(StoredValues.unwrapping(store)));
        return running;
    }

    /** What {@link #get} answers when it cannot tell. */
    static final Object UNKNOWN = new Object();
}
