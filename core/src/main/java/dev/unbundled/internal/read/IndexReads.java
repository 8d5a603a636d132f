package dev.unbundled.internal.read;

import dev.unbundled.Page;
import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewIndex;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A view's index read as scans of its {@link IndexedKey}s: through a {@link StoreView} for this instance's
 * partitions, or a {@link RoutedView} for all of them, so index reads page, merge and route as scans do.
 *
 * @param <I> the index key type
 * @param <K> the view's key type
 * @param <V> the view's value type
 */
public final class IndexReads<I, K, V> implements ReadOnlyIndex<I, K, V> {
    private static final Serializer<byte[]> BYTES = Serdes.ByteArray().serializer();

    private final String view;
    private final ViewIndex<I, ?> index;
    private final ReadOnlyView<Object, V> entries;
    private final Serializer<I> indexKeys;

    /**
     * @param view the view's name
     * @param index the index
     * @param entries the index's entries, keyed by {@link IndexedKey}, valued by the view's rows
     */
    public IndexReads(String view, ViewIndex<I, ?> index, ReadOnlyView<Object, V> entries) {
        this.view = view;
        this.index = index;
        this.entries = entries;
        this.indexKeys = index.serde().serializer();
    }

    @Override
    public String name() {
        return index.name();
    }

    @Override
    public Map<K, V> get(I indexKey) {
        byte[] key = serialize(indexKey, "index key");
        Map<K, V> rows = new LinkedHashMap<>();
        try (Stream<Map.Entry<Object, V>> found = entries.prefixScan(IndexKeys.first(key), BYTES)) {
            found.forEach(row -> rows.put(viewKey(row.getKey()), row.getValue()));
        }
        return rows;
    }

    @Override
    public Stream<Map.Entry<K, V>> range(I from, I to) {
        byte[][] bounds = bounds(from, to);
        return entries.range(IndexedKey.bound(bounds[0]), IndexedKey.bound(bounds[1])).map(this::viewRow);
    }

    @Override
    public Stream<Map.Entry<K, V>> prefixScan(I prefix) {
        return entries.prefixScan(IndexKeys.prefix(serialize(prefix, "prefix")), BYTES).map(this::viewRow);
    }

    @Override
    public Stream<Map.Entry<K, V>> all() {
        return entries.prefixScan(IndexKeys.prefix(new byte[0]), BYTES).map(this::viewRow);
    }

    @Override
    public Page<K, V> page(I indexKey, int limit) {
        return page(indexKey, indexKey, limit);
    }

    @Override
    public Page<K, V> page(I from, I to, int limit) {
        byte[][] bounds = bounds(from, to);
        return viewPage(entries.page(IndexedKey.bound(bounds[0]), IndexedKey.bound(bounds[1]), limit));
    }

    @Override
    public Page<K, V> nextPage(String cursor, int limit) {
        Objects.requireNonNull(cursor, () -> "Index '" + index.name() + "' of view '" + view
                + "': cursor must not be null; pass Page.next()");
        return viewPage(entries.nextPage(cursor, limit));
    }

    @Override
    public String toString() {
        return "ReadOnlyIndex[" + view + "." + index.name() + "]";
    }

    private byte[][] bounds(I from, I to) {
        byte[] low = serialize(from, "from");
        byte[] high = serialize(to, "to");
        if (Arrays.compareUnsigned(low, high) > 0) {
            throw new IllegalArgumentException("Index '" + index.name() + "' of view '" + view + "': range from '"
                    + from + "' to '" + to + "' is reversed (index keys are ordered by their serialised bytes);"
                    + " swap the bounds");
        }
        return new byte[][] {IndexKeys.first(low), IndexKeys.last(high)};
    }

    private byte[] serialize(I key, String what) {
        if (key == null) {
            throw new NullPointerException("Index '" + index.name() + "' of view '" + view + "': " + what
                    + " must not be null; rows without an index key are not in the index");
        }
        return indexKeys.serialize(null, key);
    }

    private Page<K, V> viewPage(Page<Object, V> page) {
        return new Page<>(page.entries().stream().map(this::viewRow).toList(), page.next());
    }

    private Map.Entry<K, V> viewRow(Map.Entry<Object, V> row) {
        return Map.entry(viewKey(row.getKey()), row.getValue());
    }

    @SuppressWarnings("unchecked")
    private K viewKey(Object indexed) {
        return (K) ((IndexedKey) indexed).viewKey();
    }
}
