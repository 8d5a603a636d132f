package dev.unbundled.internal.read;

import org.apache.kafka.streams.KeyValue;

/**
 * A row read from a store that keeps its keys serialised beside the decoded ones: merges and bounds
 * compare these bytes rather than serialising the key again for every row.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SerialisedRow<K, V> extends KeyValue<K, V> {
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
}
