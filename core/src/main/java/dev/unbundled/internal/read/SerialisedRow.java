package dev.unbundled.internal.read;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;

/**
 * A row read from a store that keeps its keys serialised beside the decoded ones: merges and bounds
 * compare these bytes rather than serialising the key again for every row. It is also the entry a view's scan
 * hands out, unchanged, as {@link Map.Entry} (equal to any entry of the same key and value; read-only).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SerialisedRow<K, V> extends KeyValue<K, V> implements Map.Entry<K, V> {
    private final byte[] keyBytes;

    /**
     * @param key the decoded key
     * @param value the decoded value
     * @param keyBytes the key as the store orders it; not copied, not to be changed
     */
    public SerialisedRow(K key, V value, byte[] keyBytes) {
        super(key, value);
        this.keyBytes = keyBytes;
    }

    /** @return the serialised key; not to be changed */
    public byte[] keyBytes() {
        return keyBytes;
    }

    /**
     * @param row a row
     * @param keys the view's key serializer
     * @return the row's serialised key: the bytes it carries, or its key serialised now
     */
    static <K> byte[] keyBytes(KeyValue<K, ?> row, org.apache.kafka.common.serialization.Serializer<K> keys) {
        return row instanceof SerialisedRow<?, ?> serialised ? serialised.keyBytes : keys.serialize(null, row.key);
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    /** @throws UnsupportedOperationException always: a view's rows are read-only */
    @Override
    public V setValue(V value) {
        throw new UnsupportedOperationException("A view's rows are read-only");
    }

    /** Equal to any {@link Map.Entry} of an equal key and value, as the entry contract says. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Map.Entry<?, ?> entry && Objects.equals(key, entry.getKey())
                && Objects.equals(value, entry.getValue());
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(key) ^ Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
