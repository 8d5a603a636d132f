package dev.unbundled.internal.compile;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * A cache of decoded rows in front of a view's store on disk, for point reads: a row read once is kept,
 * with what it decodes to, until it is written, evicted or the store stops serving. Its size is counted in
 * estimated heap bytes against a budget all such caches of a runtime share ({@link Budget}); when the budget
 * is spent, a read evicts rows of its own store, chosen by hash order (no bookkeeping on reads).
 *
 * <p>The cache holds only while the store's task is active here: writes then pass through this layer, which
 * drops their rows. Writes that do not (Kafka Streams restoring the store, as a standby or before the task
 * runs) happen while the store does not serve, and opening, closing or serving anew empties the cache.
 * A read that raced a write does not keep what it read: it counts writes before reading and drops its row
 * if any came meanwhile.
 */
class CachedRows extends ForwardingBytesStore implements RowSource {
    /** Heap estimated per cached row beyond its bytes: the row, map node, decoded holder, key-object entry. */
    private static final int OVERHEAD = 160;

    /** The heap all caches of a runtime may hold together. */
    static final class Budget {
        private volatile long bytes;
        private final AtomicLong used = new AtomicLong();

        Budget(long bytes) {
            this.bytes = bytes;
        }

        boolean charge(long size) {
            if (used.addAndGet(size) <= bytes) {
                return true;
            }
            used.addAndGet(-size);
            return false;
        }

        void release(long size) {
            used.addAndGet(-size);
        }

        long used() {
            return used.get();
        }

        /** @param bytes a size the budget must have at least */
        synchronized void atLeast(long bytes) {
            this.bytes = Math.max(this.bytes, bytes);
        }
    }

    private final Map<Bytes, RowStore.Row> rows = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();
    private final Budget budget;
    private volatile boolean serving;

    CachedRows(KeyValueStore<Bytes, byte[]> inner, Budget budget) {
        super(inner);
        this.budget = budget;
    }

    /** @return a cache in front of the store, timestamped if the store is, as Kafka Streams' builders check */
    static CachedRows of(KeyValueStore<Bytes, byte[]> inner, Budget budget) {
        return inner instanceof TimestampedBytesStore ? new Timestamped(inner, budget) : new CachedRows(inner, budget);
    }

    /** The cache in front of a store whose values start with their timestamp. */
    static final class Timestamped extends CachedRows implements TimestampedBytesStore {
        Timestamped(KeyValueStore<Bytes, byte[]> inner, Budget budget) {
            super(inner, budget);
        }
    }

    /** @return the estimated heap a row of these bytes holds, decoded, in the cache */
    static long size(Bytes key, byte[] stored) {
        // a decoded value commonly takes about twice its serialised bytes (object headers, UTF-16 or boxed fields)
        return OVERHEAD + 3L * (key.get().length + stored.length);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        serving = false;
        clear();
        super.init(context, root);
    }

    @Override
    public void close() {
        serving = false;
        clear();
        super.close();
    }

    @Override
    public boolean serving() {
        return serving;
    }

    @Override
    public void serving(boolean serving) {
        clear();
        this.serving = serving;
    }

    @Override
    public RowStore.Row row(Bytes key) {
        RowStore.Row known = rows.get(key);
        if (known != null) {
            return known;
        }
        long seen = writes.get();
        byte[] stored = wrapped().get(key);
        if (stored == null) {
            return null;
        }
        RowStore.Row row = new RowStore.Row(stored);
        if (!serving || !reserve(size(key, stored)) || rows.putIfAbsent(key, row) != null) {
            row.retire();
            return row;
        }
        if (writes.get() != seen || !serving) {
            drop(key, row);
        }
        return row;
    }

    /** Charges a row to the budget, evicting rows of this cache to make room if it must. */
    private boolean reserve(long size) {
        if (budget.charge(size)) {
            return true;
        }
        long freed = 0;
        Iterator<Map.Entry<Bytes, RowStore.Row>> cached = rows.entrySet().iterator();
        while (freed < size * 16 && cached.hasNext()) {
            Map.Entry<Bytes, RowStore.Row> victim = cached.next();
            if (drop(victim.getKey(), victim.getValue())) {
                freed += size(victim.getKey(), victim.getValue().stored());
            }
        }
        return budget.charge(size);
    }

    private boolean drop(Bytes key, RowStore.Row row) {
        if (!rows.remove(key, row)) {
            return false;
        }
        budget.release(size(key, row.stored()));
        row.retire();
        return true;
    }

    private void written(Bytes key) {
        writes.incrementAndGet();
        RowStore.Row old = rows.get(key);
        if (old != null) {
            drop(key, old);
        }
    }

    private void clear() {
        writes.incrementAndGet();
        rows.forEach(this::drop);
    }

    /** @return the estimated heap the cache holds now */
    long cachedBytes() {
        return budget.used();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        wrapped().put(key, value);
        written(key);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] old = wrapped().putIfAbsent(key, value);
        written(key);
        return old;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        wrapped().putAll(entries);
        entries.forEach(entry -> written(entry.key));
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] old = wrapped().delete(key);
        written(key);
        return old;
    }
}
