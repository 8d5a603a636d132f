package dev.unbundled.rocksdb;

import dev.unbundled.ViewStore;
import dev.unbundled.rocksdb.internal.BoundedMemory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * A RocksDB store choice, as {@link RocksDb#store()} and {@link RocksDb#ephemeral()} give it: durable or
 * ephemeral, with the memory budget of the runtime's RocksDB stores. A value: two equal choices are the same
 * choice, and {@link #withMemoryBudget(long)} returns a new one.
 *
 * <pre>{@code
 * RocksDbStore onDisk = RocksDb.store().withMemoryBudget(256L << 20);   // durable, 256 MiB for all stores
 * ViewDefinition<String, Product> products = View.from(PRODUCTS).materialize("products").withStore(onDisk);
 * }</pre>
 */
public final class RocksDbStore implements ViewStore {
    static final RocksDbStore DURABLE = new RocksDbStore(true, RocksDb.DEFAULT_MEMORY_BUDGET);
    static final RocksDbStore EPHEMERAL = new RocksDbStore(false, RocksDb.DEFAULT_MEMORY_BUDGET);

    private final boolean durable;
    private final long memoryBudget;

    private RocksDbStore(boolean durable, long memoryBudget) {
        this.durable = durable;
        this.memoryBudget = memoryBudget;
    }

    /**
     * Sets the memory budget of all RocksDB stores of the runtime together. Every RocksDB choice in one
     * runtime must agree on it.
     *
     * @param bytes the budget in bytes, at least 1 MiB
     * @return this choice with that budget
     * @throws IllegalArgumentException if the budget is below 1 MiB
     */
    public RocksDbStore withMemoryBudget(long bytes) {
        if (bytes < (1L << 20)) {
            throw new IllegalArgumentException("A RocksDB memory budget of " + bytes + " bytes is too small;"
                    + " give at least 1 MiB (1048576)");
        }
        return new RocksDbStore(durable, bytes);
    }

    /** @return the memory budget in bytes */
    public long memoryBudget() {
        return memoryBudget;
    }

    /** @return true if the view resumes from its local state after a restart */
    public boolean isDurable() {
        return durable;
    }

    @Override
    public DslStoreSuppliers suppliers() {
        return BuiltInDslStoreSuppliers.ROCKS_DB;
    }

    /**
     * @return a quarter of the memory budget: the heap that caches of decoded rows in front of the runtime's
     *     RocksDB stores may take together, for point reads of views that keep them
     *     ({@link dev.unbundled.ViewDefinition#withReadCache}). It is heap, beside the budget's native memory
     */
    @Override
    public long readCacheBytes() {
        return memoryBudget / 4;
    }

    @Override
    public boolean wipesLocalStateOnStart() {
        return !durable;
    }

    @Override
    public Map<String, Object> streamsConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemory.class);
        config.put(RocksDb.MEMORY_BUDGET_CONFIG, memoryBudget);
        return config;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RocksDbStore that && that.durable == durable && that.memoryBudget == memoryBudget;
    }

    @Override
    public int hashCode() {
        return Objects.hash(durable, memoryBudget);
    }

    @Override
    public String toString() {
        return "RocksDb." + (durable ? "store()" : "ephemeral()") + ".withMemoryBudget(" + memoryBudget + ")";
    }
}
