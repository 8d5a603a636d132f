package dev.unbundled.internal.run;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Subscription;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewStatus;
import dev.unbundled.internal.read.IndexRows;
import dev.unbundled.internal.read.IndexedKey;
import dev.unbundled.internal.read.LookaheadRows;
import dev.unbundled.internal.read.RoutedHost;
import dev.unbundled.remote.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.InvalidStateStorePartitionException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The entries of one index of a running view, as a host of scans: keyed by {@link IndexedKey}, valued by the
 * view's rows, each partition's index store joined with the view's store of the same partition
 * ({@link IndexRows}). Its name is the view's and the index's, {@code view.index}: what remote scans name.
 * Where it is, whether it is ready and how far behind are the view's.
 *
 * @param <V> the view's value type
 */
final class IndexHost<V> implements RoutedHost<Object, V> {
    private final RunningView<Object, V> view;
    private final Engine engine;
    private final String name;
    private final String indexName;
    private final String store;
    private final Serde<Object> keySerde;
    private final IndexRows.IndexCheck check;
    private final Map<Integer, ReadOnlyKeyValueStore<Object, V>> partitionStores = new ConcurrentHashMap<>();

    IndexHost(RunningView<Object, V> view, Engine engine, ViewIndex<?, ?> index, String store) {
        this.view = view;
        this.engine = engine;
        this.name = view.name() + "." + index.name();
        this.indexName = index.name();
        this.store = store;
        this.keySerde = IndexedKey.serde(view.keySerde().deserializer());
        this.check = new IndexRows.IndexCheck(index);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Serde<Object> keySerde() {
        return keySerde;
    }

    @Override
    public Serde<V> valueSerde() {
        return view.valueSerde();
    }

    @Override
    public ReadOnlyKeyValueStore<Object, V> store() {
        List<ReadOnlyKeyValueStore<Object, V>> stores = partitionStores();
        if (stores.size() != 1) {
            throw new UnsupportedOperationException("Index '" + name + "' is read by scans of its partitions");
        }
        return stores.get(0);
    }

    @Override
    public List<ReadOnlyKeyValueStore<Object, V>> partitionStores() {
        engine.requireOpen(view.name());
        // the view's running tasks, as its change taps registered them: no listing of every task per read
        SortedSet<Integer> partitions = view.runningPartitions();
        if (partitions.isEmpty()) {
            engine.streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                    .forEach(task -> partitions.add(task.taskId().partition())));
        }
        List<ReadOnlyKeyValueStore<Object, V>> stores = new ArrayList<>();
        for (int partition : partitions) {
            try {
                ReadOnlyKeyValueStore<Object, V> rows = partitionStore(partition, false);
                rows.approximateNumEntries();
                stores.add(rows);
            } catch (InvalidStateStorePartitionException e) {
                // a task of another sub-topology has this partition; the view's store does not
            }
        }
        if (stores.isEmpty()) {
            throw notReady(null);
        }
        return stores;
    }

    @Override
    public ReadOnlyKeyValueStore<Object, V> partitionStore(int partition, boolean standby) {
        ReadOnlyKeyValueStore<Object, V> viewRows = view.partitionStore(partition, standby);
        ReadOnlyKeyValueStore<Bytes, byte[]> running = standby ? null : view.liveIndex(indexName, partition);
        if (running != null) {
            // the active task's own index store, as its writer registered it: no lookup of the store per scan
            return rows(new Registered(running, () -> view.liveIndex(indexName, partition) == running),
                    new LiveFirst<>(view, partition, viewRows));
        }
        return partitionStores.computeIfAbsent(partition * 2 + (standby ? 1 : 0), slot -> {
            StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> query = StoreQueryParameters
                    .fromNameAndType(store, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()).withPartition(partition);
            try {
                return rows(engine.streams.store(standby ? query.enableStaleStores() : query),
                        standby ? viewRows : new LiveFirst<>(view, partition, viewRows));
            } catch (StreamsException e) {
                throw notReady(e);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private ReadOnlyKeyValueStore<Object, V> rows(ReadOnlyKeyValueStore<Bytes, byte[]> index,
                                                  ReadOnlyKeyValueStore<Object, V> viewRows) {
        return (ReadOnlyKeyValueStore<Object, V>) (ReadOnlyKeyValueStore<?, ?>) new IndexRows(index,
                (ReadOnlyKeyValueStore<Object, Object>) viewRows, view.keySerde().deserializer(), check);
    }

    /** @return how far behind the index's copy or the view's is, whichever is further */
    @Override
    public long storeLag(int partition) {
        return Math.max(view.storeLag(store, partition), view.storeLag(partition));
    }

    @Override
    public long storeGeneration() {
        return view.storeGeneration();
    }

    @Override
    public List<Copies> scanPlan(boolean standbys) {
        return view.scanPlan(standbys);
    }

    @Override
    public Transport transport() {
        return view.transport();
    }

    @Override
    public String instance() {
        return view.instance();
    }

    @Override
    public ViewStatus status() {
        return view.status();
    }

    @Override
    public void awaitReady(Duration timeout) {
        view.awaitReady(timeout);
    }

    @Override
    public void awaitFreshness(Freshness freshness, Duration timeout) {
        view.awaitFreshness(freshness, timeout);
    }

    @Override
    public void requireLocal(Freshness freshness) {
        view.requireLocal(freshness);
    }

    @Override
    public RuntimeException notReady(RuntimeException cause) {
        return view.notReady(cause);
    }

    @Override
    public KeyQueryMetadata keyMetadata(Object key) {
        throw unsupported("a key's owner");
    }

    @Override
    public Optional<V> liveGet(int partition, Object key) {
        throw unsupported("a get");
    }

    @Override
    public V getAsOf(Object key, long asOfMillis) {
        throw unsupported("a read as of a time");
    }

    @Override
    public Subscription subscribe(ChangeListener<Object, V> listener, int capacity) {
        throw unsupported("a subscription");
    }

    @Override
    public RoutedHost<Object, V> index(ViewIndex<?, ?> index) {
        throw unsupported("an index");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("Index '" + name + "' is read by index key (get, range, prefixScan,"
                + " page); " + what + " is read on the view");
    }

    /**
     * The view's rows of one partition, read by key from the active store running here when there is one (a
     * hash lookup where the row was read by key before; rows kept decoded), else through Kafka Streams' store
     * of the partition.
     */
    private record LiveFirst<V>(RunningView<Object, V> view, int partition, ReadOnlyKeyValueStore<Object, V> store)
            implements ReadOnlyKeyValueStore<Object, V> {
        @Override
        public V get(Object key) {
            Optional<V> kept = view.remembered(key);
            if (kept != null) {
                return kept.get();
            }
            Optional<V> live = view.liveGet(partition, key);
            return live != null ? live.orElse(null) : store.get(key);
        }

        @Override
        public KeyValueIterator<Object, V> range(Object from, Object to) {
            return store.range(from, to);
        }

        @Override
        public KeyValueIterator<Object, V> all() {
            return store.all();
        }

        @Override
        public long approximateNumEntries() {
            return store.approximateNumEntries();
        }
    }

    /**
     * A registered index store whose scans, when they end, check that it is still registered: a store that
     * closed while it was scanned (its task moved) ends early, and that must be said, not answered as the end.
     */
    private record Registered(ReadOnlyKeyValueStore<Bytes, byte[]> store, BooleanSupplier stillRegistered)
            implements ReadOnlyKeyValueStore<Bytes, byte[]> {
        @Override
        public byte[] get(Bytes key) {
            return store.get(key);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
            return checked(store.range(from, to));
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> all() {
            return checked(store.all());
        }

        @Override
        public long approximateNumEntries() {
            return store.approximateNumEntries();
        }

        private KeyValueIterator<Bytes, byte[]> checked(KeyValueIterator<Bytes, byte[]> entries) {
            return new LookaheadRows<>() {
                @Override
                protected KeyValue<Bytes, byte[]> advance() {
                    if (entries.hasNext()) {
                        return entries.next();
                    }
                    if (!stillRegistered.getAsBoolean()) {
                        throw new InvalidStateStoreException("The index store's task does not run here any more"
                                + " (it moved or closed)");
                    }
                    return null;
                }

                @Override
                public void close() {
                    entries.close();
                }
            };
        }
    }
}
