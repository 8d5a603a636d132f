package dev.unbundled.internal.compile;

import org.apache.kafka.common.utils.Bytes;

/**
 * Where a view's point reads find rows that keep what they decode to: an in-memory view's own store
 * ({@link RowStore}), or a bounded cache in front of a store on disk ({@link CachedRows}).
 */
interface RowSource {

    /**
     * @param key a serialised key
     * @return the key's row, or null if the store has none. A row that the source does not keep is returned
     *     already {@linkplain RowStore.Row#retire retired}, so that nothing else keeps it either
     */
    RowStore.Row row(Bytes key);

    /** @return whether the store's task runs here as active, so that its rows may be kept by key object */
    boolean serving();

    /** @param serving whether the store's task runs here as active */
    void serving(boolean serving);
}
