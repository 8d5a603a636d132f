package dev.unbundled.benchmarks.reads;

import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.benchmarks.Model;
import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.benchmarks.Storage;
import dev.unbundled.benchmarks.UnbundledViews;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JMH states of the read benchmarks. A benchmark names the states it reads, and JMH sets up only
 * those, so a fork starts only the one application its benchmark needs.
 */
public final class ReadStates {
    private ReadStates() {
    }

    /** The Unbundled view. */
    @State(Scope.Benchmark)
    public static class ViewState {
        /** Where the view keeps its rows: an id of {@link Storage}. */
        @Param({"memory", "rocksdb"})
        public String store;
        ReadOnlyView<String, Product> view;

        /** Starts the view, or finds it started. */
        @Setup(Level.Trial)
        public void open() {
            view = ReadFixture.shared().view(Storage.of(store));
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** The in-memory view with its read cache off. */
    @State(Scope.Benchmark)
    public static class UncachedViewState {
        ReadOnlyView<String, Product> view;

        /** Starts the view, or finds it started. */
        @Setup(Level.Trial)
        public void open() {
            view = ReadFixture.shared().view(ReadFixture.Variant.UNCACHED);
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** The in-memory view with an index by price. */
    @State(Scope.Benchmark)
    public static class IndexedViewState {
        ReadOnlyIndex<Integer, String, Product> byPrice;

        /** Starts the view, or finds it started. */
        @Setup(Level.Trial)
        public void open() {
            byPrice = ReadFixture.shared().view(ReadFixture.Variant.INDEXED).index(UnbundledViews.BY_PRICE);
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** The in-memory view re-keyed by price and name. */
    @State(Scope.Benchmark)
    public static class RekeyedViewState {
        ReadOnlyView<String, Product> view;

        /** Starts the view, or finds it started. */
        @Setup(Level.Trial)
        public void open() {
            view = ReadFixture.shared().view(ReadFixture.Variant.BY_PRICE);
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** Prices some products have, at random, the same order for every benchmark. */
    @State(Scope.Thread)
    public static class Prices {
        private static final int MASK = 1023;
        int[] prices;
        int next;

        /** Draws the prices. */
        @Setup(Level.Trial)
        public void open() {
            long records = ReadFixture.shared().records();
            Random random = new Random(42);
            prices = new int[MASK + 1];
            for (int i = 0; i < prices.length; i++) {
                prices[i] = Model.product(Math.floorMod(random.nextLong(), records), 0).priceCents();
            }
        }

        /** @return the next price */
        public int next() {
            return prices[next++ & MASK];
        }
    }

    /** The raw store of the hand-written table. */
    @State(Scope.Benchmark)
    public static class RawStoreState {
        /** Where the table keeps its rows: an id of {@link Storage}. */
        @Param({"memory", "rocksdb"})
        public String store;
        ReadOnlyKeyValueStore<String, Product> rows;

        /** Starts the application, or finds it started. */
        @Setup(Level.Trial)
        public void open() {
            rows = ReadFixture.shared().rawStore(Storage.of(store));
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** The raw store of each partition of the hand-written table, and how to find a key's partition. */
    @State(Scope.Benchmark)
    public static class PartitionStoresState {
        List<ReadOnlyKeyValueStore<String, Product>> stores;

        /** Starts the application, or finds it started. */
        @Setup(Level.Trial)
        public void open() {
            stores = ReadFixture.shared().partitionStores();
        }

        /**
         * @param key a key
         * @return the store of its partition, as the default partitioner placed it
         */
        ReadOnlyKeyValueStore<String, Product> storeOf(String key) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            return stores.get(Utils.toPositive(Utils.murmur2(bytes)) % stores.size());
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** The raw store of the hand-written table that keeps values as bytes. */
    @State(Scope.Benchmark)
    public static class BytesStoreState {
        ReadOnlyKeyValueStore<String, byte[]> store;

        /** Starts the application, or finds it started. */
        @Setup(Level.Trial)
        public void open() {
            store = ReadFixture.shared().bytesStore();
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** The same keys and values in plain maps. */
    @State(Scope.Benchmark)
    public static class MapState {
        HashMap<String, Product> hashed;
        TreeMap<String, Product> sorted;

        /** Reads the topic into the maps. */
        @Setup(Level.Trial)
        public void open() {
            sorted = ReadFixture.shared().sortedMap();
            hashed = ReadFixture.shared().hashMap();
        }

        /** Stops it in a fork. */
        @TearDown(Level.Trial)
        public void close() {
            ReadFixture.closeIfForked();
        }
    }

    /** Serialised product values, to time deserialising alone. */
    @State(Scope.Thread)
    public static class ValueBytes {
        private static final int MASK = 1023;
        byte[][] values;
        int next;

        /** Serialises products as they lie in the topic. */
        @Setup(Level.Trial)
        public void open() {
            values = new byte[MASK + 1][];
            for (int i = 0; i < values.length; i++) {
                values[i] = Model.PRODUCT.serializer().serialize("products", Model.product(i * 97L, 0));
            }
        }

        /** @return the next value */
        public byte[] next() {
            return values[next++ & MASK];
        }
    }

    /** Existing keys in a random order, the same order for every benchmark. */
    @State(Scope.Thread)
    public static class Keys {
        private static final int MASK = (1 << 16) - 1;
        String[] keys;
        int next;

        /** Draws the keys. */
        @Setup(Level.Trial)
        public void open() {
            long records = ReadFixture.shared().records();
            Random random = new Random(42);
            keys = new String[MASK + 1];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Model.productKey(Math.floorMod(random.nextLong(), records));
            }
        }

        /** @return the next key */
        public String next() {
            return keys[next++ & MASK];
        }
    }

    /** Bounds of ranges of a given number of existing entries, at random places. */
    @State(Scope.Thread)
    public static class Ranges {
        private static final int MASK = 1023;

        /** Entries per range. */
        @Param({"10", "100", "1000"})
        public int size;
        String[] from;
        String[] to;
        int next;

        /** Draws the ranges. */
        @Setup(Level.Trial)
        public void open() {
            long records = ReadFixture.shared().records();
            int entries = (int) Math.min(size, records);
            Random random = new Random(42);
            from = new String[MASK + 1];
            to = new String[MASK + 1];
            for (int i = 0; i < from.length; i++) {
                long first = Math.floorMod(random.nextLong(), records - entries + 1);
                from[i] = Model.productKey(first);
                to[i] = Model.productKey(first + entries - 1);
            }
        }

        /** @return the index of the next range */
        public int advance() {
            return next++ & MASK;
        }
    }
}
