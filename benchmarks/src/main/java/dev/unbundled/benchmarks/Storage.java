package dev.unbundled.benchmarks;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.unbundled.ViewStore;
import dev.unbundled.rocksdb.RocksDb;
import java.util.Locale;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Where a view keeps its rows, on both sides of a comparison: Unbundled's store choice and the Kafka Streams
 * store supplier a hand-written application uses for the same.
 *
 * <pre>{@code
 * ViewDefinition<String, Product> products = UnbundledViews.products(topic, Storage.ROCKS_DB);
 * Topology twin = HandWritten.products(topic.name(), Storage.ROCKS_DB);
 * }</pre>
 */
public enum Storage {
    /** In memory: Unbundled's default, and {@link Stores#inMemoryKeyValueStore}. */
    MEMORY("memory", "in memory") {
        @Override
        public ViewStore unbundled() {
            return ViewStore.inMemory();
        }

        @Override
        public KeyValueBytesStoreSupplier handWritten(String name) {
            return Stores.inMemoryKeyValueStore(name);
        }
    },
    /**
     * On RocksDB: {@link RocksDb#store()} with its defaults, and the store Kafka Streams' RocksDB DSL store
     * suppliers create for a table ({@link Stores#persistentTimestampedKeyValueStore}) with Kafka Streams'
     * default RocksDB options.
     */
    ROCKS_DB("rocksdb", "on RocksDB") {
        @Override
        public ViewStore unbundled() {
            return RocksDb.store();
        }

        @Override
        public KeyValueBytesStoreSupplier handWritten(String name) {
            return Stores.persistentTimestampedKeyValueStore(name);
        }
    };

    private final String id;
    private final String where;

    Storage(String id, String where) {
        this.id = id;
        this.where = where;
    }

    /**
     * @param id {@code memory} or {@code rocksdb}, as in {@code bench.stores} and the JMH parameter {@code store}
     * @return the storage
     * @throws IllegalArgumentException if the id names none
     */
    public static Storage of(String id) {
        for (Storage storage : values()) {
            if (storage.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return storage;
            }
        }
        throw new IllegalArgumentException("Unknown store '" + id + "'; use memory or rocksdb");
    }

    /** @return the id: {@code memory} or {@code rocksdb} */
    @JsonValue
    public String id() {
        return id;
    }

    /** @return how the report says where the rows are, such as {@code on RocksDB} */
    public String where() {
        return where;
    }

    /** @return Unbundled's store choice */
    public abstract ViewStore unbundled();

    /**
     * @param name the store's name
     * @return the store a hand-written Kafka Streams application materialises a table in
     */
    public abstract KeyValueBytesStoreSupplier handWritten(String name);
}
