package dev.unbundled.internal.read;

import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A key of a view's index as its reads see it: the index store's entry bytes, and the view key they end
 * with (null for a bound, which is no entry). Reads of an index are scans of these keys, so they page,
 * merge and route as a view's scans do.
 *
 * @param viewKey the view key of the entry's row, or null for a bound
 * @param bytes the entry's bytes in the index store
 */
public record IndexedKey(Object viewKey, byte[] bytes) {

    /** @return a bound of a scan, at these bytes */
    static IndexedKey bound(byte[] bytes) {
        return new IndexedKey(null, bytes);
    }

    /**
     * @param viewKeys the view's key deserializer
     * @return the serde of an index's keys: their bytes as they are; read back with the view key decoded
     */
    public static Serde<Object> serde(Deserializer<?> viewKeys) {
        Serializer<Object> serializer = (topic, key) -> key == null ? null : ((IndexedKey) key).bytes();
        Deserializer<Object> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            int at = IndexKeys.viewKeyAt(bytes);
            Object viewKey = null;
            try {
                viewKey = at < 0 ? null : viewKeys.deserialize(null, Arrays.copyOfRange(bytes, at, bytes.length));
            } catch (RuntimeException bound) {
                // a scan's bound, such as an index key's first entry: no view key follows it
            }
            return new IndexedKey(viewKey, bytes);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexedKey that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "IndexedKey[" + viewKey + "]";
    }
}
