package dev.unbundled.rocksdb;

import dev.unbundled.ViewStore;

/**
 * Views on RocksDB: larger than memory, and (by default) surviving a restart without a rebuild. Every
 * RocksDB store of a runtime shares one memory budget — one block cache, which also holds the index and
 * filter blocks, and a write-buffer manager charged to that cache — so memory does not grow with the
 * number of views and partitions, as it does with Kafka Streams' per-store defaults.
 *
 * <pre>{@code
 * ViewDefinition<String, Product> products = View.from(PRODUCTS).materialize("products")
 *     .withStore(RocksDb.store());                         // this view on RocksDB
 *
 * ViewRuntime runtime = ViewRuntime.builder()
 *     .applicationId("warehouse").bootstrapServers(servers)
 *     .defaultStore(RocksDb.store().withMemoryBudget(512L << 20))   // all views, 512 MiB in total
 *     .view(products).view(ORDER_NOTES)
 *     .start();
 * }</pre>
 *
 * <p>Tuning: bloom filters (10 bits a key) on every table for fast point reads, LZ4 compression, index
 * and filter blocks cached with high priority and the top level pinned. The budget is the block cache's
 * capacity; memtables are charged to it through the write-buffer manager, which flushes them as they
 * reach half the budget, so blocks, index and filters and memtables together are what the cache's usage
 * reports (RocksDB's {@code block-cache-usage}, among {@code ViewRuntime.metrics()}).
 *
 * <p>The budget is not a hard limit. The cache's limit is not strict, as in Kafka Streams' own
 * bounded-memory recipe: a strict one would make RocksDB fail reads when every entry of a cache shard is
 * in use; this one goes over instead. With the shards this module sizes, usage peaked at the budget in
 * {@code MemoryBudgetTest} (at most 16,777,200 of 16,777,216 bytes in 11 measured runs, 63 stores reading
 * back 54 MiB). A little memory stays outside it: table readers of open files (about 0.5 MiB there) and
 * the allocator's overhead. A tight budget costs write throughput: each store's memtable gets a small
 * share and flushes often.
 */
public final class RocksDb {
    /** The runtime property holding the memory budget of all RocksDB stores, in bytes. */
    public static final String MEMORY_BUDGET_CONFIG = "unbundled.rocksdb.memory.budget.bytes";

    /** The memory budget when none is given: 128 MiB for all RocksDB stores of a runtime together. */
    public static final long DEFAULT_MEMORY_BUDGET = 128L << 20;

    private RocksDb() {
    }

    /**
     * A durable RocksDB store: the view keeps its state directory across restarts and resumes from its
     * checkpoint, reading only what it missed. This is the default RocksDB choice, because surviving a
     * restart is what a disk store is for.
     *
     * @return the store choice; {@link RocksDbStore#withMemoryBudget(long)} sets the runtime's budget
     */
    public static RocksDbStore store() {
        return RocksDbStore.DURABLE;
    }

    /**
     * An ephemeral RocksDB store: the view throws its local state away on every start and rebuilds it from
     * the log. For views larger than memory that must always be rebuilt fresh.
     *
     * @return the store choice
     */
    public static RocksDbStore ephemeral() {
        return RocksDbStore.EPHEMERAL;
    }

    /**
     * @param store a store choice
     * @return true if the choice is a RocksDB one
     */
    public static boolean isRocksDb(ViewStore store) {
        return store instanceof RocksDbStore;
    }
}
