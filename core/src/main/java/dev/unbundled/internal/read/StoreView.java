package dev.unbundled.internal.read;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Page;
import dev.unbundled.Read;
import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewStatus;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReadOnlyView} over a key-value store, wherever the store lives. It checks arguments, turns
 * Kafka Streams' store exceptions into {@link dev.unbundled.ViewNotReadyException} and closes store
 * iterators with the streams that hold them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class StoreView<K, V> implements ReadOnlyView<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(StoreView.class);
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Duration FRESHNESS_TIMEOUT = Duration.ofSeconds(10);
    private static final int DEFAULT_CAPACITY = 10_000;
    /** The latest instant a record timestamp can name; later instants read as this one. */
    private static final Instant LATEST_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final String name;
    private final ViewHost<K, V> host;
    private final Serializer<K> keySerializer;
    private final Deserializer<K> keyDeserializer;

    /** @param host where the view's store lives; its key serde orders range bounds as the store does */
    public StoreView(ViewHost<K, V> host) {
        this.name = host.name();
        this.host = host;
        this.keySerializer = host.keySerde().serializer();
        this.keyDeserializer = host.keySerde().deserializer();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<V> get(K key) {
        requireKey(key, "key");
        Optional<V> kept = host.remembered(key);
        if (kept != null) {
            return kept;
        }
        return Optional.ofNullable(read(() -> host.get(key)));
    }

    @Override
    public Optional<V> getAsOf(K key, Instant asOf) {
        requireKey(key, "key");
        Objects.requireNonNull(asOf, () -> "View '" + name + "': asOf must not be null; pass an instant such as"
                + " Instant.now().minus(Duration.ofHours(1))");
        long millis = asOf.isBefore(Instant.EPOCH) ? -1
                : asOf.isAfter(LATEST_MILLIS) ? Long.MAX_VALUE : asOf.toEpochMilli();
        return Optional.ofNullable(read(() -> host.getAsOf(key, millis)));
    }

    @Override
    public Optional<V> get(K key, Freshness freshness) {
        requireKey(key, "key");
        Objects.requireNonNull(freshness, () -> "View '" + name + "': freshness must not be null; use Freshness.any()");
        if (!freshness.isAny()) {
            host.awaitFreshness(freshness, FRESHNESS_TIMEOUT);
        }
        return get(key);
    }

    @Override
    public ReadOnlyView<K, V> awaitFreshness(Freshness freshness, Duration timeout) {
        Objects.requireNonNull(freshness, () -> "View '" + name + "': freshness must not be null; use Freshness.any()");
        Objects.requireNonNull(timeout, () -> "View '" + name + "': timeout must not be null");
        host.awaitFreshness(freshness, timeout);
        return this;
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        Objects.requireNonNull(keys, () -> "View '" + name + "': keys must not be null");
        keys.forEach(key -> requireKey(key, "every key"));
        return read(() -> {
            ReadOnlyKeyValueStore<K, V> store = store();
            Map<K, V> found = new LinkedHashMap<>();
            for (K key : keys) {
                V value = store.get(key);
                if (value != null) {
                    found.put(key, value);
                }
            }
            return found;
        });
    }

    @Override
    public Stream<Map.Entry<K, V>> range(K from, K to) {
        rangeSpec(from, to);
        return scan(store -> store.range(from, to));
    }

    @Override
    public Stream<Map.Entry<K, V>> all() {
        return scan(ReadOnlyKeyValueStore::all);
    }

    @Override
    public Stream<Map.Entry<K, V>> prefixScan(K prefix) {
        requireKey(prefix, "prefix");
        return prefixScan(prefix, keySerializer);
    }

    @Override
    public <P> Stream<Map.Entry<K, V>> prefixScan(P prefix, Serializer<P> prefixSerializer) {
        Objects.requireNonNull(prefix, () -> "View '" + name + "': prefix must not be null");
        Objects.requireNonNull(prefixSerializer, () -> "View '" + name + "': prefixSerializer must not be null");
        // through the scan spec, not the store's own prefix scan: that fails on an empty or all-0xFF prefix
        ScanSpec spec = ScanSpec.prefix(prefixSerializer.serialize(null, prefix));
        return scan(store -> spec.open(store, keySerializer, keyDeserializer));
    }

    @Override
    public long approximateCount() {
        return read(() -> store().approximateNumEntries());
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> listener) {
        return subscribe(listener, DEFAULT_CAPACITY);
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> listener, int capacity) {
        Objects.requireNonNull(listener, () -> "View '" + name + "': listener must not be null");
        if (capacity < 1) {
            throw new IllegalArgumentException("View '" + name + "': a subscription's capacity must be at least 1, got "
                    + capacity);
        }
        return host.subscribe(listener, capacity);
    }

    @Override
    public Read<V> read(K key) {
        return new Read<>(get(key), host.instance(), false, 0);
    }

    @Override
    public Page<K, V> page(int limit) {
        return page(ScanSpec.ALL, limit);
    }

    @Override
    public Page<K, V> page(K from, K to, int limit) {
        return page(rangeSpec(from, to), limit);
    }

    @Override
    public Page<K, V> nextPage(String cursor, int limit) {
        Objects.requireNonNull(cursor, () -> "View '" + name + "': cursor must not be null; pass Page.next()");
        return page(ScanSpec.decode(name, cursor), limit);
    }

    @Override
    public ReadOnlyView<K, V> local() {
        return this;
    }

    @Override
    public <I> ReadOnlyIndex<I, K, V> index(ViewIndex<I, ? super V> index) {
        Objects.requireNonNull(index, () -> "View '" + name + "': index must not be null");
        return new IndexReads<>(name, index, new StoreView<>(host.index(index)));
    }

    @Override
    public ReadOnlyView<K, V> withStandbyReads(long maxLag) {
        requireMaxLag(name, maxLag);
        return this;
    }

    static void requireMaxLag(String view, long maxLag) {
        if (maxLag < 0) {
            throw new IllegalArgumentException("View '" + view + "': maxLag must be at least 0, was " + maxLag);
        }
    }

    static void requireLimit(String view, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("View '" + view + "': a page's limit must be at least 1, was " + limit);
        }
    }

    /** @return the scan of a range, checked */
    ScanSpec rangeSpec(K from, K to) {
        requireKey(from, "from");
        requireKey(to, "to");
        byte[] low = keySerializer.serialize(null, from);
        byte[] high = keySerializer.serialize(null, to);
        if (Bytes.wrap(low).compareTo(Bytes.wrap(high)) > 0) {
            throw new IllegalArgumentException("View '" + name + "': range from '" + from + "' to '" + to
                    + "' is reversed (keys are ordered by their serialised bytes); swap the bounds");
        }
        return ScanSpec.range(low, high);
    }

    private Page<K, V> page(ScanSpec spec, int limit) {
        requireLimit(name, limit);
        try (KeyValueIterator<K, V> rows = read(() -> open(spec))) {
            return read(() -> Pages.take(rows, spec, limit, keySerializer, name));
        }
    }

    /**
     * Opens a scan over some of this instance's partitions, merged in serialised-key order.
     *
     * @param spec the scan
     * @param partitions the partitions to read; null for every local one
     * @param standby whether standby copies may answer
     * @return the rows; close them
     */
    KeyValueIterator<K, V> open(ScanSpec spec, Set<Integer> partitions, boolean standby) {
        List<ReadOnlyKeyValueStore<K, V>> stores = new ArrayList<>();
        if (partitions == null) {
            stores.addAll(partitionStores());
        } else {
            for (int partition : partitions) {
                stores.add(partitionStore(partition, standby));
            }
        }
        return openMerged(stores, store -> spec.open(store, keySerializer, keyDeserializer));
    }

    /**
     * Opens one iterator per store and merges them in serialised-key order. If one cannot be opened, or the
     * merge cannot read a first row, the iterators already opened are closed.
     */
    private KeyValueIterator<K, V> openMerged(List<ReadOnlyKeyValueStore<K, V>> stores,
                                              Function<ReadOnlyKeyValueStore<K, V>, KeyValueIterator<K, V>> open) {
        List<KeyValueIterator<K, V>> iterators = new ArrayList<>();
        try {
            stores.forEach(store -> iterators.add(open.apply(store)));
        } catch (RuntimeException e) {
            MergedIterator.closeAll(iterators, e);
            throw e;
        }
        return MergedIterator.merge(iterators, keySerializer);
    }

    private KeyValueIterator<K, V> open(ScanSpec spec) {
        return open(spec, null, false);
    }

    ReadOnlyKeyValueStore<K, V> partitionStore(int partition, boolean standby) {
        return host.partitionStore(partition, standby);
    }

    Serializer<K> keySerializer() {
        return keySerializer;
    }

    Deserializer<K> keyDeserializer() {
        return keyDeserializer;
    }

    /**
     * Runs a read, turning Kafka Streams' store exceptions into {@link dev.unbundled.ViewNotReadyException}.
     *
     * @param read the read
     * @return what it returned
     */
    <T> T guarded(Supplier<T> read) {
        return read(read);
    }

    @Override
    public ViewStatus status() {
        return host.status();
    }

    @Override
    public ReadOnlyView<K, V> awaitReady(Duration timeout) {
        Objects.requireNonNull(timeout, () -> "View '" + name + "': timeout must not be null");
        host.awaitReady(timeout);
        return this;
    }

    @Override
    public String toString() {
        return "ReadOnlyView[" + name + "]";
    }

    private List<ReadOnlyKeyValueStore<K, V>> partitionStores() {
        return host.partitionStores();
    }

    private ReadOnlyKeyValueStore<K, V> store() {
        return host.store();
    }

    private void requireKey(Object key, String what) {
        if (key == null) {
            throw new NullPointerException("View '" + name + "': " + what + " must not be null; a view has no null keys");
        }
    }

    private <T> T read(Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidStateStoreException e) {
            throw host.notReady(e);
        }
    }

    private Stream<Map.Entry<K, V>> scan(Function<ReadOnlyKeyValueStore<K, V>, KeyValueIterator<K, V>> open) {
        return stream(read(() -> openMerged(partitionStores(), open)));
    }

    /**
     * @param iterator rows in serialised-key order
     * @return them as a stream that closes the iterator when closed, and reports it if never closed
     */
    Stream<Map.Entry<K, V>> stream(KeyValueIterator<K, V> iterator) {
        Spliterator<Map.Entry<K, V>> rows = new Rows(iterator);
        Scan scan = new Scan(name, iterator);
        Stream<Map.Entry<K, V>> stream = StreamSupport.stream(rows, false).onClose(scan::close);
        CLEANER.register(stream, scan);
        return stream;
    }

    /**
     * A scan's store iterator and whether it was closed. When a scan's stream is garbage collected without
     * having been closed, the cleaner runs this: the iterator, which may hold native memory and pin RocksDB
     * files, is closed and the leak is reported, so that it is fixed rather than silently tolerated.
     */
    private static final class Scan implements Runnable {
        private final String view;
        private final KeyValueIterator<?, ?> iterator;
        private volatile boolean closed;

        Scan(String view, KeyValueIterator<?, ?> iterator) {
            this.view = view;
            this.iterator = iterator;
        }

        void close() {
            closed = true;
            iterator.close();
        }

        @Override
        public void run() {
            if (!closed) {
                LOG.warn("View '{}': a scan (range, all or prefixScan) was never closed; its store iterator was held"
                        + " until the stream was garbage collected. Close scans, best with try-with-resources", view);
                iterator.close();
            }
        }
    }

    /**
     * A store iterator as a spliterator of entries, translating store exceptions on the way. Rows that are
     * already entries (rows kept decoded) are handed out as they are.
     */
    private final class Rows extends Spliterators.AbstractSpliterator<Map.Entry<K, V>> {
        private final KeyValueIterator<K, V> iterator;

        Rows(KeyValueIterator<K, V> iterator) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT);
            this.iterator = iterator;
        }

        @Override
        public boolean tryAdvance(Consumer<? super Map.Entry<K, V>> action) {
            KeyValue<K, V> row;
            try {
                if (!iterator.hasNext()) {
                    return false;
                }
                row = iterator.next();
            } catch (InvalidStateStoreException e) {
                throw host.notReady(e);
            }
            action.accept(entry(row));
            return true;
        }

        @SuppressWarnings("unchecked")
        private Map.Entry<K, V> entry(KeyValue<K, V> row) {
            return row instanceof Map.Entry<?, ?> entry ? (Map.Entry<K, V>) entry : Map.entry(row.key, row.value);
        }
    }
}
