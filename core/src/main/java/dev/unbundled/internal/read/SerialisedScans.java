package dev.unbundled.internal.read;

import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A store that can be scanned by serialised bounds, without decoding them to keys first. Its rows are
 * {@link SerialisedRow}s.
 */
public interface SerialisedScans {

    /**
     * @param from the lowest serialised key, inclusive; null for the first
     * @param to the highest serialised key, inclusive; null for the last
     * @return the rows between, in serialised-key order; close it
     */
    <K, V> KeyValueIterator<K, V> scan(byte[] from, byte[] to);
}
