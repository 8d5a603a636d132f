package dev.unbundled.internal.compile;

import dev.unbundled.internal.read.ScanSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A view's in-memory store, in place of Kafka Streams' own: the same sorted map of serialised keys, whose
 * rows also keep their key and value once decoded, so that a read decodes a row once, not on every read.
 *
 * <p>Each write puts a new {@link Row}: a decoded value belongs to the bytes it was decoded from and is
 * dropped with them, so no read can see a value the store no longer holds, whichever thread wrote it (the
 * stream thread, or Kafka Streams restoring the store). Rows replaced or deleted are marked
 * {@linkplain Row#current() no longer current}, which is how a view's key-object index of rows
 * ({@link LiveStores}) knows an entry is stale.
 */
final class RowStore implements KeyValueStore<Bytes, byte[]>, RowSource {
    /**
     * One stored row: its bytes, and what a reader decoded them to. The decoded key and value sit in the row
     * itself rather than in an object of their own, so that a scan reaches them with one memory load fewer.
     * A row is decoded once: the first decoding published stays, so that every read of the row hands out the
     * same value object (which {@link LiveStores} relies on to tell a row's kept reads). A store's decoders
     * are all its view's, and decode alike.
     */
    static final class Row {
        private final byte[] stored;
        private volatile boolean current = true;
        private volatile Runnable onRetire;
        private Object key;
        private Object value;
        /** Written after key and value, under the row's lock, which publishes them. */
        private volatile boolean decoded;

        Row(byte[] stored) {
            this.stored = stored;
        }

        byte[] stored() {
            return stored;
        }

        /** @return false once the row was replaced or deleted, or its store closed */
        boolean current() {
            return current;
        }

        /** Marks the row no longer current, and runs what was to run then. */
        void retire() {
            current = false;
            Runnable forget = onRetire;
            if (forget != null) {
                forget.run();
            }
        }

        /** @param onRetire what to run when the row is replaced or deleted; runs at once if it was already */
        void onRetire(Runnable onRetire) {
            this.onRetire = onRetire;
            if (!current) {
                onRetire.run();
            }
        }

        /** @return this row, decoded: by the decoder now, if it has not been yet */
        Row decoded(RowDecoder decoder, Bytes serialisedKey) {
            if (!decoded) {
                Decoded fresh = decoder.decode(serialisedKey.get(), stored);
                synchronized (this) {
                    if (!decoded) {
                        key = fresh.key();
                        value = fresh.value();
                        decoded = true;
                    }
                }
            }
            return this;
        }

        /** @return the decoded key; read after {@link #decoded} */
        Object key() {
            return key;
        }

        /** @return the decoded value; read after {@link #decoded} */
        Object value() {
            return value;
        }
    }

    /** A row as one view's decoder decodes it. */
    record Decoded(Object key, Object value) {
    }

    private final String name;
    /** Ordered as {@link Bytes#compareTo} orders, unsigned, by the JDK's vectorised array comparison. */
    private static final Comparator<Bytes> ORDER = (a, b) -> Arrays.compareUnsigned(a.get(), b.get());

    private final ConcurrentSkipListMap<Bytes, Row> rows = new ConcurrentSkipListMap<>(ORDER);
    private final Position position = Position.emptyPosition();
    private StateStoreContext context;
    private volatile boolean open;
    /** Whether the store's task runs here as active, so that reads of its rows may be kept by key object. */
    private volatile boolean serving;

    RowStore(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        this.context = context;
        context.register(root, (key, value) -> write(Bytes.wrap(key), value));
        open = true;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean serving() {
        return serving;
    }

    @Override
    public void serving(boolean serving) {
        this.serving = serving;
    }

    @Override
    public Row row(Bytes key) {
        return rows.get(key);
    }

    /** @return the rows from one key to another, both inclusive, either null for no bound */
    Iterator<Map.Entry<Bytes, Row>> rows(Bytes from, Bytes to) {
        return part(from, to).entrySet().iterator();
    }

    private NavigableMap<Bytes, Row> part(Bytes from, Bytes to) {
        return from == null && to == null ? rows
                : from == null ? rows.headMap(to, true)
                : to == null ? rows.tailMap(from, true)
                : ORDER.compare(from, to) > 0 ? new ConcurrentSkipListMap<>(ORDER) : rows.subMap(from, true, to, true);
    }

    @Override
    public byte[] get(Bytes key) {
        Row row = rows.get(key);
        return row == null ? null : row.stored;
    }

    @Override
    public void put(Bytes key, byte[] value) {
        write(key, value);
        track();
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> entry : entries) {
            write(entry.key, entry.value);
        }
        track();
    }

    @Override
    public byte[] delete(Bytes key) {
        Row old = rows.remove(key);
        track();
        return retire(old);
    }

    private byte[] write(Bytes key, byte[] value) {
        return retire(value == null ? rows.remove(key) : rows.put(key, new Row(value)));
    }

    private static byte[] retire(Row old) {
        if (old == null) {
            return null;
        }
        old.retire();
        return old.stored;
    }

    private void track() {
        if (context != null) {
            context.recordMetadata().ifPresent(this::track);
        }
    }

    private void track(RecordMetadata record) {
        if (record.topic() != null) {
            position.withComponent(record.topic(), record.partition(), record.offset());
        }
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return new Stored(rows(from, to));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return new Stored(part(from, to).descendingMap().entrySet().iterator());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return range(null, null);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return reverseRange(null, null);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        byte[] from = prefixKeySerializer.serialize(null, prefix);
        byte[] past = ScanSpec.successor(from);
        NavigableMap<Bytes, Row> part = past == null ? rows.tailMap(Bytes.wrap(from), true)
                : rows.subMap(Bytes.wrap(from), true, Bytes.wrap(past), false);
        return new Stored(part.entrySet().iterator());
    }

    @Override
    public long approximateNumEntries() {
        return rows.size();
    }

    @Override
    public void close() {
        open = false;
        serving = false;
        rows.values().forEach(RowStore::retire);
        rows.clear();
    }

    @Override
    public Position getPosition() {
        return position;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    /** The stored bytes of some rows, as Kafka Streams' layers above read them. */
    private record Stored(Iterator<Map.Entry<Bytes, Row>> rows) implements KeyValueIterator<Bytes, byte[]> {
        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (!rows.hasNext()) {
                throw new NoSuchElementException();
            }
            Map.Entry<Bytes, Row> row = rows.next();
            return KeyValue.pair(row.getKey(), row.getValue().stored);
        }

        @Override
        public Bytes peekNextKey() {
            throw new UnsupportedOperationException("peekNextKey() is not supported by a view's row store");
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
