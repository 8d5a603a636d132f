package dev.unbundled.internal.compile;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A view's store, innermost (on bytes, below Kafka Streams' logging and caching layers), that keeps what
 * the last write replaced, while the view has subscribers: the view's change tap, which runs on the same
 * stream thread right after the write, takes it as the change's old value. Nobody subscribing, a write costs
 * one volatile read more. Everything else goes to the store it wraps, unchanged.
 *
 * <p>It extends {@link WrappedStateStore}, and is a {@link TimestampedBytesStore} exactly when the store it
 * wraps is, so that Kafka Streams sees the store it wraps: it adds no format adapter, and the bytes on disk
 * are the same with or without it.
 */
class OldValueStore extends ForwardingBytesStore {
    /** What a write replaced: the key's bytes and its stored bytes before, null if it had none. */
    record Before(Bytes key, byte[] stored) {
    }

    private final OldValues.Wanted wanted;
    private final OldValues running;
    /** Whether the stored bytes start with a timestamp: see {@link #of}. */
    private final boolean timestamped;
    private TaskId task;
    /** The last write's capture, or null if it captured nothing; only the stream thread of the task uses it. */
    private Before before;

    OldValueStore(KeyValueStore<Bytes, byte[]> inner, OldValues.Wanted wanted, OldValues running, boolean timestamped) {
        super(inner);
        this.wanted = wanted;
        this.running = running;
        this.timestamped = timestamped;
    }

    /**
     * Kafka Streams' timestamped store builder hands a table's store timestamped bytes (8 bytes of
     * timestamp, then the value), except where it puts an adapter over it, which strips them: over a store
     * that is persistent and not timestamped. An in-memory store gets timestamped bytes through a marker.
     *
     * @param inner the store the suppliers made
     * @return the store wrapped
     */
    static OldValueStore of(KeyValueStore<Bytes, byte[]> inner, OldValues.Wanted wanted, OldValues running) {
        if (inner instanceof TimestampedBytesStore) {
            return new Timestamped(inner, wanted, running);
        }
        return new OldValueStore(inner, wanted, running, !inner.persistent());
    }

    /** The wrapper of a timestamped store, a timestamped store itself. */
    static final class Timestamped extends OldValueStore implements TimestampedBytesStore {
        Timestamped(KeyValueStore<Bytes, byte[]> inner, OldValues.Wanted wanted, OldValues running) {
            super(inner, wanted, running, true);
        }
    }

    /** @return the last write's capture, or null if it captured nothing (nobody subscribed when it ran) */
    /** @return where the store's rows keep what they decode to, if they do; else null */
    RowSource rows() {
        return wrapped() instanceof RowSource rows ? rows : null;
    }

    /** @return whether the store's values start with a timestamp */
    boolean timestamped() {
        return timestamped;
    }

    Before before() {
        return before;
    }

    /**
     * @param stored bytes as this store holds them, or null
     * @return the value's bytes, without the timestamp the store keeps in front of them; null for null
     */
    byte[] valueBytes(byte[] stored) {
        if (stored == null || !timestamped) {
            return stored;
        }
        byte[] value = new byte[stored.length - Long.BYTES];
        System.arraycopy(stored, Long.BYTES, value, 0, value.length);
        return value;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        super.init(context, root);
        task = context.taskId();
        running.register(name(), task, this);
    }

    @Override
    public void close() {
        if (task != null) {
            running.unregister(name(), task, this);
        }
        before = null;
        super.close();
    }

    private void capture(Bytes key) {
        before = wanted.on() ? new Before(key, wrapped().get(key)) : null;
    }

    @Override
    public void put(Bytes key, byte[] value) {
        capture(key);
        wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] old = wrapped().putIfAbsent(key, value);
        before = wanted.on() ? new Before(key, old) : null;
        return old;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        if (entries.size() == 1) {
            capture(entries.get(0).key);
        } else {
            before = null;   // the Kafka Streams operators write one key at a time; a batch's old values are not kept
        }
        wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] old = wrapped().delete(key);
        before = wanted.on() ? new Before(key, old) : null;
        return old;
    }
}
