package dev.unbundled.internal.compile;

import dev.unbundled.internal.read.LookaheadRows;
import dev.unbundled.internal.read.SerialisedRow;
import dev.unbundled.internal.read.SerialisedScans;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One partition of a view read through the rows of a {@link RowSource}. An in-memory view's whole store is
 * one ({@link RowStore}): read straight from it: a get is a lookup of the
 * serialised key, and a scan walks the store's sorted rows, each decoded once and then kept with its bytes.
 * No Kafka Streams layer is crossed, and nothing is decoded twice. A cache in front of a store on disk
 * ({@link CachedRows}) answers point reads only; its view is scanned through Kafka Streams' store.
 */
final class DecodedRows implements ReadOnlyKeyValueStore<Object, Object>, SerialisedScans {
    private final RowSource store;
    private final RowDecoder decoder;

    /**
     * @param store where the rows are
     * @param decoder how they decode
     * @param timestamped whether the store's values start with a timestamp
     */
    DecodedRows(RowSource store, RowDecoder decoder, boolean timestamped) {
        this.store = store;
        this.decoder = decoder.forStore(timestamped);
    }

    RowSource store() {
        return store;
    }

    /** @return whether this reads a whole store, which can be scanned, rather than a cache of point reads */
    boolean scannable() {
        return store instanceof RowStore;
    }

    RowDecoder decoder() {
        return decoder;
    }

    @Override
    public Object get(Object key) {
        requireServing();
        Bytes serialised = Bytes.wrap(decoder.serialize(key));
        RowStore.Row row = store.row(serialised);
        Object value = row == null ? null : row.decoded(decoder, serialised).value();
        requireServing();
        return value;
    }

    /**
     * Refuses a read of a store whose task no longer runs here: a closed row store is empty, and an answer
     * read from it would say "no row" where the view may hold one.
     */
    void requireServing() {
        if (!store.serving()) {
            throw new InvalidStateStoreException("The store's task does not run here any more (it moved or closed)");
        }
    }

    @Override
    public <K, V> KeyValueIterator<K, V> scan(byte[] from, byte[] to) {
        requireServing();
        return new Rows<>(((RowStore) store).rows(from == null ? null : Bytes.wrap(from),
                to == null ? null : Bytes.wrap(to)));
    }

    @Override
    public KeyValueIterator<Object, Object> range(Object from, Object to) {
        return scan(from == null ? null : decoder.serialize(from), to == null ? null : decoder.serialize(to));
    }

    @Override
    public KeyValueIterator<Object, Object> all() {
        return scan(null, null);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Object, Object> prefixScan(P prefix, PS prefixKeySerializer) {
        requireServing();
        Bytes from = Bytes.wrap(prefixKeySerializer.serialize(null, prefix));
        return new Rows<>(((RowStore) store).rows(from, null), from.get());
    }

    @Override
    public long approximateNumEntries() {
        return ((RowStore) store).approximateNumEntries();
    }

    /** Rows of the store, decoded, stopping at the first key past the prefix if there is one. */
    private final class Rows<K, V> extends LookaheadRows<K, V> {
        private final Iterator<Map.Entry<Bytes, RowStore.Row>> rows;
        private final byte[] prefix;

        Rows(Iterator<Map.Entry<Bytes, RowStore.Row>> rows) {
            this(rows, null);
        }

        Rows(Iterator<Map.Entry<Bytes, RowStore.Row>> rows, byte[] prefix) {
            this.rows = rows;
            this.prefix = prefix;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected KeyValue<K, V> advance() {
            if (!rows.hasNext()) {
                // a store that closed while it was scanned ends early: say so rather than answer part of it
                requireServing();
                return null;
            }
            Map.Entry<Bytes, RowStore.Row> row = rows.next();
            byte[] key = row.getKey().get();
            if (prefix != null && !startsWith(key, prefix)) {
                return null;
            }
            RowStore.Row decoded = row.getValue().decoded(decoder, row.getKey());
            return new SerialisedRow<>((K) decoded.key(), (V) decoded.value(), key);
        }

        @Override
        public void close() {
            // nothing held: the rows are the store's own
        }

        private static boolean startsWith(byte[] key, byte[] prefix) {
            return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
        }
    }
}
