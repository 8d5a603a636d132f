package dev.unbundled.benchmarks.reads;

import dev.unbundled.benchmarks.Model;
import dev.unbundled.benchmarks.Model.Product;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Point reads of one product by key: through Unbundled's view and through the raw Kafka Streams store of
 * the same data, each in memory and on RocksDB (the JMH parameter {@code store}); through the in-memory raw
 * store asked for the key's own partition's store only (the others ask every partition's store, as the view
 * does), from a store that keeps bytes (no value deserialisation), and from a {@code HashMap} of the same
 * objects (the floor); plus deserialising one value alone. Every read hits an existing key.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PointReads {

    /**
     * @param state the view
     * @param keys the keys
     * @return the product
     */
    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public Optional<Product> viewGet(ReadStates.ViewState state, ReadStates.Keys keys) {
        return state.view.get(keys.next());
    }

    /**
     * @param state the view with its read cache off
     * @param keys the keys
     * @return the product, decoded on every read
     */
    @Benchmark
    public Optional<Product> viewGetUncached(ReadStates.UncachedViewState state, ReadStates.Keys keys) {
        return state.view.get(keys.next());
    }

    /**
     * @param state the raw store
     * @param keys the keys
     * @return the product
     */
    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public Product rawStoreGet(ReadStates.RawStoreState state, ReadStates.Keys keys) {
        return state.rows.get(keys.next());
    }

    /**
     * @param state the raw store of each partition
     * @param keys the keys
     * @return the product, read from the store of the key's partition only
     */
    @Benchmark
    public Product rawPartitionStoreGet(ReadStates.PartitionStoresState state, ReadStates.Keys keys) {
        String key = keys.next();
        return state.storeOf(key).get(key);
    }

    /**
     * @param state the raw store of bytes
     * @param keys the keys
     * @return the product's serialised bytes
     */
    @Benchmark
    public byte[] rawBytesStoreGet(ReadStates.BytesStoreState state, ReadStates.Keys keys) {
        return state.store.get(keys.next());
    }

    /**
     * @param state the maps
     * @param keys the keys
     * @return the product
     */
    @Benchmark
    public Product hashMapGet(ReadStates.MapState state, ReadStates.Keys keys) {
        return state.hashed.get(keys.next());
    }

    /**
     * @param values serialised products
     * @return the product
     */
    @Benchmark
    public Product jsonDeserialise(ReadStates.ValueBytes values) {
        return Model.PRODUCT.deserializer().deserialize("products", values.next());
    }
}
