package dev.unbundled.internal.read;

import dev.unbundled.ViewIndex;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One partition of a view's index, read as a store of {@link IndexedKey}s and the view's values: each entry
 * of the index store is joined with the view's row of the same partition, and kept only if that row's index
 * key is still the one the entry is filed under. So an index read never answers a row the view does not hold
 * under that index key, even in the moment between the view's write and the index's.
 */
public final class IndexRows implements ReadOnlyKeyValueStore<Object, Object>, SerialisedScans {
    private static final byte[] ENTRIES_FROM = {0};
    private static final byte[] ENTRIES_TO = {1};

    private final ReadOnlyKeyValueStore<Bytes, byte[]> index;
    private final ReadOnlyKeyValueStore<Object, Object> view;
    private final Deserializer<Object> viewKeys;
    private final IndexCheck check;

    /**
     * @param index the partition's index store
     * @param view the partition's view store
     * @param viewKeys the view's key deserializer
     * @param check which index key a value is filed under
     */
    public IndexRows(ReadOnlyKeyValueStore<Bytes, byte[]> index, ReadOnlyKeyValueStore<Object, Object> view,
                     Deserializer<Object> viewKeys, IndexCheck check) {
        this.index = index;
        this.view = view;
        this.viewKeys = viewKeys;
        this.check = check;
    }

    /** Which escaped index key a view's value is filed under: what the index writer computes. */
    public static final class IndexCheck {
        private final ViewIndex<Object, Object> index;
        private final Serializer<Object> serializer;

        /** @param index the index */
        @SuppressWarnings("unchecked")
        public IndexCheck(ViewIndex<?, ?> index) {
            this.index = (ViewIndex<Object, Object>) index;
            this.serializer = this.index.serde().serializer();
        }

        /**
         * @param value a view's value
         * @return the escaped bytes of its index key; null if it has none
         * @throws RuntimeException what the index key function or serde threw
         */
        public byte[] escapedKeyOf(Object value) {
            Object key = index.key().apply(value);
            byte[] bytes = key == null ? null : serializer.serialize(null, key);
            return bytes == null ? null : IndexKeys.escape(bytes);
        }
    }

    @Override
    public Object get(Object key) {
        byte[] bytes = ((IndexedKey) key).bytes();
        try (KeyValueIterator<Object, Object> rows = scan(bytes, bytes)) {
            return rows.hasNext() ? rows.next().value : null;
        }
    }

    @Override
    public <K, V> KeyValueIterator<K, V> scan(byte[] from, byte[] to) {
        byte[] low = from == null || Arrays.compareUnsigned(from, ENTRIES_FROM) < 0 ? ENTRIES_FROM : from;
        byte[] high = to == null || Arrays.compareUnsigned(to, ENTRIES_TO) > 0 ? ENTRIES_TO : to;
        if (Arrays.compareUnsigned(low, high) > 0) {
            low = high;
        }
        return new Rows<>(index.range(Bytes.wrap(low), Bytes.wrap(high)));
    }

    @Override
    public KeyValueIterator<Object, Object> range(Object from, Object to) {
        return scan(from == null ? null : ((IndexedKey) from).bytes(), to == null ? null : ((IndexedKey) to).bytes());
    }

    @Override
    public KeyValueIterator<Object, Object> all() {
        return scan(null, null);
    }

    @Override
    public long approximateNumEntries() {
        return index.approximateNumEntries() / 2;
    }

    /** The index's entries joined with the view's rows, skipping those the view no longer files there. */
    private final class Rows<K, V> extends LookaheadRows<K, V> {
        private final KeyValueIterator<Bytes, byte[]> entries;

        Rows(KeyValueIterator<Bytes, byte[]> entries) {
            this.entries = entries;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected KeyValue<K, V> advance() {
            while (entries.hasNext()) {
                byte[] entry = entries.next().key.get();
                int at = IndexKeys.viewKeyAt(entry);
                if (at < 0) {
                    continue;
                }
                Object viewKey = viewKeys.deserialize(null, Arrays.copyOfRange(entry, at, entry.length));
                Object value = view.get(viewKey);
                if (value != null && filedHere(entry, at, value)) {
                    return new SerialisedRow<>((K) new IndexedKey(viewKey, entry), (V) value, entry);
                }
            }
            return null;
        }

        private boolean filedHere(byte[] entry, int at, Object value) {
            byte[] escaped;
            try {
                escaped = check.escapedKeyOf(value);
            } catch (RuntimeException e) {
                return false;   // the writer left such a row out of the index
            }
            return escaped != null && IndexKeys.filedUnder(entry, at, escaped);
        }

        @Override
        public void close() {
            entries.close();
        }
    }
}
