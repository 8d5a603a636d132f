package dev.unbundled.rocksdb.internal;

import dev.unbundled.internal.compile.StreamsDefaults;
import dev.unbundled.rocksdb.RocksDb;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * The {@code rocksdb.config.setter} of Unbundled runtimes: every RocksDB store of one runtime shares one
 * block cache and one write-buffer manager charged to it, sized by the runtime's memory budget.
 * Kafka Streams creates one instance per store; the shared memory lives here, per runtime, and is freed
 * when the runtime's last store closes.
 *
 * <p>The cache's capacity limit is not strict, as in Kafka's own bounded-memory recipe: with a strict
 * limit RocksDB fails a read ({@code Status::MemoryLimit}, which Kafka Streams turns into a failed read or
 * a dead stream thread) when it cannot make room because every entry of a cache shard is in use. A
 * non-strict cache goes over instead, by what is pinned beyond a shard's share. Two settings keep that from
 * happening in practice; both were found with {@code MemoryBudgetTest} (63 stores reading back 54 MiB
 * under a 16 MiB budget):
 * <ul>
 *   <li>shards of at least {@value #MIN_SHARD_BYTES} bytes: memtables are charged to the cache in 256 KiB
 *       entries, pinned while the memtable lives, and with RocksDB's default of 512 KiB shards a few of them
 *       filled a shard: usage peaked at 103-114% of the budget. With 8 MiB shards it peaked at the budget;</li>
 *   <li>memtable arenas of {@value #ARENA_BLOCK_BYTES} bytes instead of RocksDB's default of 1 MiB: each
 *       store's memtable holds at least one arena block, so with 1 MiB blocks 63 stores alone passed the
 *       write-buffer manager's share of a 16 MiB budget and every write forced a flush of a memtable of a
 *       record or two (a view had read 2,600 of 4,000 records after two minutes).</li>
 * </ul>
 * Memtables may pass their half of the budget while flushes catch up (the manager does not stall writes);
 * they are charged to the cache all the same, so the cache's usage shows them.
 */
public final class BoundedMemory implements RocksDBConfigSetter {
    /** The config key of the runtime's id, set by the runtime (see {@code StreamsDefaults.RUNTIME_ID}). */
    static final String RUNTIME_ID = StreamsDefaults.RUNTIME_ID;
    /** The smallest block cache shard; fewer shards below 64 x this, down to one. */
    static final long MIN_SHARD_BYTES = 8L << 20;
    /** The memtable's allocation unit, the least memory a store's memtable takes once written to. */
    static final long ARENA_BLOCK_BYTES = 64L << 10;
    private static final int MAX_SHARD_BITS = 6;
    private static final double HIGH_PRIORITY_RATIO = 0.1;
    private static final Map<String, SharedMemory> SHARED = new ConcurrentHashMap<>();

    private String runtime;
    private BloomFilter filter;

    /** Kafka Streams creates config setters reflectively, one per store. */
    public BoundedMemory() {
    }

    /** One runtime's cache and write-buffer manager, and how many of its stores are open. */
    static final class SharedMemory {
        final Cache cache;
        final WriteBufferManager writeBuffers;
        final long budget;
        int stores;

        SharedMemory(long budget) {
            this.budget = budget;
            this.cache = new LRUCache(budget, shardBits(budget), false, HIGH_PRIORITY_RATIO);
            this.writeBuffers = new WriteBufferManager(budget / 2, cache);
        }

        /** @return log2 of the number of shards: as many as keep each at least {@link #MIN_SHARD_BYTES} */
        static int shardBits(long budget) {
            int bits = 0;
            while (bits < MAX_SHARD_BITS && budget >> (bits + 1) >= MIN_SHARD_BYTES) {
                bits++;
            }
            return bits;
        }

        void close() {
            writeBuffers.close();
            cache.close();
        }
    }

    /**
     * @param runtimeId a runtime's id
     * @return the capacity of the runtime's shared block cache in bytes, or -1 if it has no open RocksDB store
     */
    public static long capacity(String runtimeId) {
        SharedMemory shared = SHARED.get(runtimeId);
        return shared == null ? -1 : shared.budget;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long budget = budget(configs.get(RocksDb.MEMORY_BUDGET_CONFIG));
        runtime = String.valueOf(configs.get(RUNTIME_ID));
        SharedMemory shared = SHARED.compute(runtime, (id, known) -> {
            SharedMemory memory = known != null ? known : new SharedMemory(budget);
            memory.stores++;
            return memory;
        });

        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        filter = new BloomFilter(10, false);
        table.setFilterPolicy(filter);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers);
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
        options.setCompressionType(CompressionType.LZ4_COMPRESSION);
    }

    @Override
    public void close(String storeName, Options options) {
        if (filter != null) {
            filter.close();
        }
        SHARED.computeIfPresent(runtime, (id, shared) -> {
            if (--shared.stores > 0) {
                return shared;
            }
            shared.close();
            return null;
        });
    }

    private static long budget(Object value) {
        if (value == null) {
            return RocksDb.DEFAULT_MEMORY_BUDGET;
        }
        try {
            long budget = value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim());
            if (budget < (1L << 20)) {
                throw new ConfigException(RocksDb.MEMORY_BUDGET_CONFIG, value, "must be at least 1 MiB (1048576 bytes)");
            }
            return budget;
        } catch (NumberFormatException e) {
            throw new ConfigException(RocksDb.MEMORY_BUDGET_CONFIG, value, "must be a number of bytes");
        }
    }
}
