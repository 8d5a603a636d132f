package dev.unbundled.internal.run;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.ViewException;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewStatus;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.compile.LiveStores;
import dev.unbundled.internal.compile.StoredValues;
import dev.unbundled.internal.read.ObservedView;
import dev.unbundled.internal.read.RoutedHost;
import dev.unbundled.internal.read.RoutedView;
import dev.unbundled.internal.read.StoreView;
import dev.unbundled.remote.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.InvalidStateStorePartitionException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * One view as it runs: its definition, stores, partitions, state, waits and subscriptions, made once when
 * the runtime starts. Its {@link #reader()} reads through it directly.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RunningView<K, V> implements RoutedHost<K, V> {
    private static final long UNKNOWN_PARTITIONS_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Engine engine;
    private final DefinitionImpl<K, V> definition;
    private final String name;
    private final String storeName;
    /** The versioned store that keeps the view's history; null if it keeps none. */
    private final String historyStore;
    private final ViewState state;
    private final Rebuild rebuild;
    private final CatchUp catchUp;
    private final Partitioning partitioning;
    private final LiveStores live;
    private final Serializer<K> keySerializer;
    private final Map<Integer, ReadOnlyKeyValueStore<K, V>> partitionStores = new ConcurrentHashMap<>();
    private final Map<String, IndexHost<V>> indexes = new ConcurrentHashMap<>();
    private final ReadOnlyView<K, V> reader;
    private volatile ReadOnlyKeyValueStore<K, V> store;
    /** The partition count point reads hash keys over; 0 while unknown, -1 for a global view. */
    private volatile int pointReadPartitions;
    private volatile long pointReadPartitionsAtNanos;

    RunningView(Engine engine, DefinitionImpl<K, V> definition, Rebuild rebuild) {
        this.rebuild = rebuild;
        this.engine = engine;
        this.definition = definition;
        this.name = definition.name();
        this.storeName = engine.views.storeNames().get(name);
        this.historyStore = engine.views.historyStores().get(name);
        Set<String> inputTopics = engine.views.inputTopics(name);
        this.state = new ViewState(engine, name, storeName, inputTopics, rebuild);
        this.catchUp = new CatchUp(engine, name, state, inputTopics,
                () -> store().approximateNumEntries());
        this.partitioning = new Partitioning(engine, name, storeName, state);
        this.live = engine.views.changes().stores(name);
        this.keySerializer = definition.keySerde().serializer();
        this.pointReadPartitions = definition.isGlobal() ? -1 : 0;
        // the first point read asks for the partition count at once
        this.pointReadPartitionsAtNanos = System.nanoTime() - UNKNOWN_PARTITIONS_RETRY_NANOS - 1;
        StoreView<K, V> local = new StoreView<>(this);
        boolean routed = engine.transport != null && !definition.isGlobal();
        ReadOnlyView<K, V> reads = routed ? new RoutedView<>(local, this) : local;
        this.reader = engine.readListener == null ? reads
                : new ObservedView<>(reads, engine.readListener, routed, engine.instance);
    }

    /** @return the Kafka Streams application that runs the view */
    Engine engine() {
        return engine;
    }

    /** @return whether the view's version is still being built from its input topics, and how far */
    Rebuild rebuild() {
        return rebuild;
    }

    /** @return the view's reads: local, or routed to the instance that holds each key */
    public ReadOnlyView<K, V> reader() {
        return reader;
    }

    /** @return the view's definition */
    public DefinitionImpl<K, V> definition() {
        return definition;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Serde<K> keySerde() {
        return definition.keySerde();
    }

    @Override
    public Serde<V> valueSerde() {
        return definition.valueSerde();
    }

    @Override
    public String instance() {
        return engine.instance;
    }

    @Override
    public Transport transport() {
        return engine.transport;
    }

    @Override
    public ReadOnlyKeyValueStore<K, V> store() {
        engine.requireOpen(name);
        state.requireBuilt();
        ReadOnlyKeyValueStore<K, V> known = store;
        if (known == null) {
            try {
                known = readable(engine.streams.store(StoreQueryParameters.fromNameAndType(storeName,
                        QueryableStoreTypes.keyValueStore())));
            } catch (StreamsException e) {
                throw notReady(e);
            }
            store = known;
        }
        return known;
    }

    /**
     * Reads a key from its partition's running store when this instance runs it (see {@link LiveStores}),
     * which costs a hash and a map lookup instead of Kafka Streams' listing of every task; otherwise, for a
     * key not found there, or while that cannot be told, through Kafka Streams' store over every local
     * partition.
     */
    @Override
    public V get(K key) {
        engine.requireOpen(name);
        state.requireBuilt();
        Optional<Object> remembered = live.remembered(key);
        if (remembered != null) {
            return cast(remembered.get());
        }
        int partitions = pointReadPartitions();
        if (partitions > 0) {
            Object value = live.get(partitionOf(key, partitions), key);
            if (value != LiveStores.UNKNOWN && value != null) {
                return cast(value);
            }
            // a miss is asked of every local partition: a topic written with another partitioner (or with
            // explicit partitions) has keys where the default partitioner would not put them
        }
        return store().get(key);
    }

    @Override
    public RoutedHost<Object, V> index(ViewIndex<?, ?> index) {
        Objects.requireNonNull(index, () -> "View '" + name + "': index must not be null");
        return index(index.name());
    }

    /**
     * @param indexName the name of an index the view declares
     * @return its entries as a host of scans
     * @throws IllegalArgumentException if the view declares no such index
     */
    RoutedHost<Object, V> index(String indexName) {
        ViewIndex<?, ?> declared = definition.index(indexName).orElseThrow(() -> new IllegalArgumentException("View '"
                + name + "' has no index '" + indexName + "'" + (definition.indexes().isEmpty() ? ""
                : " (it has " + definition.indexes().stream().map(ViewIndex::name).toList() + ")")
                + "; declare it on the view's definition with withIndex(ViewIndex.of(\"" + indexName + "\", ...))"));
        return indexes.computeIfAbsent(indexName, n -> new IndexHost<>(cast(this), engine, declared,
                definition.indexStore(indexName)));
    }

    @Override
    public Optional<V> remembered(K key) {
        engine.requireOpen(name);
        state.requireBuilt();
        return cast(live.remembered(key));
    }

    /** @return the partitions whose active tasks run here, as the view's change taps registered them */
    SortedSet<Integer> runningPartitions() {
        return live.partitions();
    }

    /** @return the store of an index of the partition's active task running here, or null if there is none */
    ReadOnlyKeyValueStore<Bytes, byte[]> liveIndex(String indexName, int partition) {
        return live.index(indexName, partition);
    }

    @Override
    public Optional<V> liveGet(int partition, K key) {
        state.requireBuilt();
        Object value = live.get(partition, key);
        return value == LiveStores.UNKNOWN ? null : Optional.ofNullable(cast(value));
    }

    /** The key's partition, as Kafka's default partitioner and Kafka Streams' own key lookup find it. */
    private int partitionOf(K key, int partitions) {
        byte[] serialised = keySerializer.serialize(partitioning.topics().iterator().next(), key);
        return Utils.toPositive(Utils.murmur2(serialised)) % partitions;
    }

    /** @return the partition count point reads hash over: 0 while unknown (asked again after a second) */
    private int pointReadPartitions() {
        int partitions = pointReadPartitions;
        if (partitions == 0 && System.nanoTime() - pointReadPartitionsAtNanos > UNKNOWN_PARTITIONS_RETRY_NANOS) {
            try {
                partitions = engine.offsets.partitionCount(name, partitioning.topics());
            } catch (ViewException e) {
                partitions = 0;
            }
            pointReadPartitionsAtNanos = System.nanoTime();
            pointReadPartitions = partitions;
        }
        return partitions;
    }

    @Override
    public List<ReadOnlyKeyValueStore<K, V>> partitionStores() {
        engine.requireOpen(name);
        state.requireBuilt();
        if (definition.isGlobal()) {
            return List.of(store());
        }
        // the running tasks' stores, as their change taps registered them: no listing of every task per scan
        List<ReadOnlyKeyValueStore<K, V>> running = cast(live.running());
        if (!running.isEmpty()) {
            return running;
        }
        SortedSet<Integer> partitions = new TreeSet<>();
        engine.streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                .forEach(task -> partitions.add(task.taskId().partition())));
        List<ReadOnlyKeyValueStore<K, V>> stores = new ArrayList<>();
        for (int partition : partitions) {
            try {
                ReadOnlyKeyValueStore<Object, Object> partitionStore = engine.streams.store(StoreQueryParameters
                        .fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()).withPartition(partition));
                partitionStore.approximateNumEntries();
                stores.add(readable(partitionStore));
            } catch (InvalidStateStorePartitionException e) {
                // a task of another sub-topology has this partition; the view's store does not
            } catch (StreamsException e) {
                throw notReady(e);
            }
        }
        if (stores.isEmpty()) {
            throw notReady(null);
        }
        return stores;
    }

    @Override
    public ReadOnlyKeyValueStore<K, V> partitionStore(int partition, boolean standby) {
        engine.requireOpen(name);
        state.requireBuilt();
        int slot = partition * 2 + (standby ? 1 : 0);
        ReadOnlyKeyValueStore<K, V> known = partitionStores.get(slot);
        if (known != null) {
            return known;
        }
        // a remote read names any partition it likes: cache only the view's own, or every number asked stays
        int partitions = partitioning.count(this::notReady);
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("View '" + name + "' has partitions 0 to " + (partitions - 1)
                    + "; partition " + partition + " does not exist. Ask for one Kafka Streams' metadata names");
        }
        return partitionStores.computeIfAbsent(slot, key -> {
            StoreQueryParameters<ReadOnlyKeyValueStore<Object, Object>> query = StoreQueryParameters
                    .fromNameAndType(storeName, QueryableStoreTypes.<Object, Object>keyValueStore())
                    .withPartition(partition);
            try {
                return readable(engine.streams.store(standby ? query.enableStaleStores() : query));
            } catch (StreamsException e) {
                throw notReady(e);
            }
        });
    }

    /**
     * Asks every local partition of the view's history through interactive queries v2 (v1 cannot read
     * versioned stores), as {@link #store} does for plain reads: a key lives in one partition, and the
     * others answer null. Kafka Streams' per-key metadata would name the one partition, but it is only
     * there when {@code application.server} is set.
     */
    @Override
    public V getAsOf(K key, long asOfMillis) {
        engine.requireOpen(name);
        state.requireBuilt();
        if (historyStore == null) {
            engine.views.historyStore(name); // throws, naming the view and the fix
        }
        if (asOfMillis < 0) {
            return null;
        }
        StateQueryResult<VersionedRecord<V>> result;
        try {
            result = engine.streams.query(StateQueryRequest.inStore(historyStore)
                    .withQuery(VersionedKeyQuery.<K, V>withKey(key).asOf(Instant.ofEpochMilli(asOfMillis)))
                    .requireActive());
        } catch (StreamsException e) {
            // not started, stopped, or not running the store yet
            throw notReady(e);
        }
        boolean answered = false;
        QueryResult<VersionedRecord<V>> failed = null;
        for (QueryResult<VersionedRecord<V>> answer : result.getPartitionResults().values()) {
            if (answer.isSuccess()) {
                answered = true;
                if (answer.getResult() != null) {
                    return answer.getResult().value();
                }
            } else if (answer.getFailureReason() == FailureReason.STORE_EXCEPTION
                    || answer.getFailureReason() == FailureReason.UNKNOWN_QUERY_TYPE) {
                throw new ViewException(name, "View '" + name + "' could not read its history for key '" + key + "' ("
                        + answer.getFailureReason() + ": " + answer.getFailureMessage() + "); see the log");
            } else {
                failed = answer;
            }
        }
        // while the instance runs, a partition that is not active is a standby's; otherwise it is being
        // assigned or restored and may hold the key
        if (!answered || failed != null && !state.instanceRuns()) {
            throw notReady(failed == null ? null : new InvalidStateStoreException("history store '" + historyStore
                    + "': " + failed.getFailureReason() + ": " + failed.getFailureMessage()));
        }
        return null;
    }

    @Override
    public KeyQueryMetadata keyMetadata(K key) {
        engine.requireOpen(name);
        try {
            return engine.streams.queryMetadataForKey(storeName, key, keySerializer);
        } catch (StreamsException | IllegalStateException e) {
            return KeyQueryMetadata.NOT_AVAILABLE;
        }
    }

    @Override
    public long storeGeneration() {
        return engine.storeGeneration();
    }

    /** @return how many records the local copy of a view's partition is behind its changelog, read at most every 250 ms */
    @Override
    public long storeLag(int partition) {
        return storeLag(storeName, partition);
    }

    /** @return how many records the local copy of one of the view's stores is behind its changelog */
    long storeLag(String store, int partition) {
        Map<String, Map<Integer, LagInfo>> lags;
        try {
            lags = engine.storeLags();
        } catch (StreamsException e) {
            throw notReady(e);
        }
        LagInfo lag = lags.getOrDefault(store, Map.of()).get(partition);
        return lag == null ? Long.MAX_VALUE : lag.offsetLag();
    }

    @Override
    public List<Copies> scanPlan(boolean standbys) {
        return partitioning.scanPlan(standbys);
    }

    @Override
    public ViewStatus status() {
        return state.status();
    }

    @Override
    public void awaitReady(Duration timeout) {
        catchUp.awaitReady(timeout);
    }

    /** Waits as {@link #awaitReady(Duration)} does, by a deadline that other views' waits share. */
    void awaitReady(long deadline, Duration timeout) {
        catchUp.awaitReady(deadline, timeout);
    }

    @Override
    public void awaitFreshness(Freshness freshness, Duration timeout) {
        catchUp.awaitFreshness(freshness, timeout);
    }

    @Override
    public void requireLocal(Freshness freshness) {
        catchUp.requireLocal(freshness);
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> listener, int capacity) {
        engine.requireOpen(name);
        return engine.views.changes().subscribe(name, listener, capacity);
    }

    @Override
    public RuntimeException notReady(RuntimeException cause) {
        return state.notReady(cause);
    }

    @Override
    public String toString() {
        return "RunningView[" + name + "]";
    }

    /** @return the store as the view's reads see it: for a view that keeps counted aggregates, their values */
    private ReadOnlyKeyValueStore<K, V> readable(ReadOnlyKeyValueStore<?, ?> raw) {
        if (definition.storesCounted()) {
            return cast(StoredValues.unwrapping(RunningView.<ReadOnlyKeyValueStore<Object, ?>>cast(raw)));
        }
        return cast(raw);
    }

    /** Stores hold the view's own keys and values: the definition's types, which the compiler wrote them with. */
    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
