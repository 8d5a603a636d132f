package dev.unbundled.internal.read;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Page;
import dev.unbundled.Read;
import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewStatus;
import dev.unbundled.internal.read.RoutedHost.Copies;
import dev.unbundled.remote.KeyAnswer;
import dev.unbundled.remote.KeyRequest;
import dev.unbundled.remote.RemoteQueryException;
import dev.unbundled.remote.ScanAnswer;
import dev.unbundled.remote.ScanRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A view whose partitions are spread over several instances: each read goes to the instance that holds the
 * key (or, for scans, to every instance that holds partitions, merged in the unsigned byte order of the
 * serialised keys). Reads of partitions held here are answered from the local {@link StoreView}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RoutedView<K, V> implements ReadOnlyView<K, V> {
    /** How long reads that accept standbys wait for some copy to answer, as while a partition moves. */
    private static final long STANDBY_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int SCAN_BATCH = 1_000;

    private final StoreView<K, V> local;
    private final RoutedHost<K, V> host;
    private final Serializer<K> keySerializer;
    private final Deserializer<K> keyDeserializer;
    private final Serde<V> valueSerde;
    private final long maxLag;

    /**
     * @param local the reads of this instance's partitions
     * @param host where the view's partitions live, and how to reach the other instances
     */
    public RoutedView(StoreView<K, V> local, RoutedHost<K, V> host) {
        this(local, host, -1);
    }

    private RoutedView(StoreView<K, V> local, RoutedHost<K, V> host, long maxLag) {
        this.local = local;
        this.host = host;
        this.keySerializer = local.keySerializer();
        this.keyDeserializer = local.keyDeserializer();
        this.valueSerde = host.valueSerde();
        this.maxLag = maxLag;
    }

    @Override
    public String name() {
        return local.name();
    }

    @Override
    public Optional<V> get(K key) {
        return read(key).value();
    }

    @Override
    public Optional<V> get(K key, Freshness freshness) {
        Objects.requireNonNull(freshness, () -> "View '" + name() + "': freshness must not be null; use Freshness.any()");
        if (!freshness.isAny()) {
            awaitFreshness(freshness, Duration.ofSeconds(10));
        }
        return get(key);
    }

    @Override
    public ReadOnlyView<K, V> awaitFreshness(Freshness freshness, Duration timeout) {
        Objects.requireNonNull(freshness, () -> "View '" + name() + "': freshness must not be null; use Freshness.any()");
        host.requireLocal(freshness);
        local.awaitFreshness(freshness, timeout);
        return this;
    }

    @Override
    public Optional<V> getAsOf(K key, Instant asOf) {
        if (key == null) {
            throw new NullPointerException("View '" + name() + "': key must not be null; a view has no null keys");
        }
        KeyQueryMetadata owners = host.keyMetadata(key);
        if (owners != null && owners != KeyQueryMetadata.NOT_AVAILABLE && owners.activeHost() != null
                && !address(owners.activeHost()).equals(host.instance())) {
            // history is read on the instance that holds it; as-of reads are not carried by the transport yet
            throw new ViewNotReadyException(name(), host.status().state(), "View '" + name() + "': the history"
                    + " of key '" + key + "' is held by " + address(owners.activeHost()) + "; as-of reads are answered"
                    + " only where the key's partition is active: read it there", null);
        }
        return local.getAsOf(key, asOf);
    }

    @Override
    public Read<V> read(K key) {
        if (key == null) {
            throw new NullPointerException("View '" + name() + "': key must not be null; a view has no null keys");
        }
        // a row read here before, still current in the active copy of its partition here: where routing would go
        Optional<V> remembered = host.remembered(key);
        if (remembered != null) {
            return new Read<>(remembered, host.instance(), false, 0);
        }
        byte[] serialised = keySerializer.serialize(null, key);
        long deadline = System.nanoTime() + (maxLag >= 0 ? STANDBY_PATIENCE_NANOS : 0);
        Map<String, String> tried = new LinkedHashMap<>();
        while (true) {
            KeyQueryMetadata owners = host.keyMetadata(key);
            if (owners == null || owners == KeyQueryMetadata.NOT_AVAILABLE || owners.activeHost() == null) {
                tried.put("metadata", "no instance holds the key's partition now (the group is rebalancing)");
            } else {
                List<HostInfo> copies = new ArrayList<>();
                copies.add(owners.activeHost());
                if (maxLag >= 0) {
                    copies.addAll(owners.standbyHosts());
                }
                for (int i = 0; i < copies.size(); i++) {
                    String instance = address(copies.get(i));
                    boolean standby = i > 0;
                    try {
                        return readAt(instance, key, serialised, owners.partition(), standby);
                    } catch (RemoteQueryException e) {
                        if (!retriable(e)) {
                            throw e;
                        }
                        tried.put(instance + (standby ? " (standby)" : ""), e.reason() + ": " + e.getMessage());
                    } catch (ViewNotReadyException | InvalidStateStoreException e) {
                        tried.put(instance + (standby ? " (standby)" : "") + ", this instance", e.getMessage());
                    }
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ViewNotReadyException(name(), host.status().state(), "View '" + name()
                        + "': no copy of the partition of key '" + key + "' could answer; tried " + tried
                        + ". The partition is moving between instances: retry shortly"
                        + (maxLag < 0 ? ", or read withStandbyReads(maxLag) with num.standby.replicas > 0" : ""),
                        null);
            }
            LockSupport.parkNanos(RETRY_NANOS);
        }
    }

    private Read<V> readAt(String instance, K key, byte[] serialised, int partition, boolean standby) {
        if (instance.equals(host.instance())) {
            if (!standby) {
                Optional<V> live = host.liveGet(partition, key);
                if (live != null) {
                    return new Read<>(live, instance, false, 0);
                }
            }
            ReadOnlyKeyValueStore<K, V> store = local.guarded(() -> local.partitionStore(partition, standby));
            // the lag first, then the read, of the same store: a standby only comes closer, and a store that opened
            // or closed in between (a task came or went) may be another, empty one
            long generation = host.storeGeneration();
            long lag = standby ? requireCloseEnough(partition) : 0;
            V value = local.guarded(() -> store.get(key));
            if (host.storeGeneration() != generation) {
                throw new ViewNotReadyException(name(), ViewStatus.State.REBALANCING, "View '" + name() + "': the copy"
                        + " of partition " + partition + " here changed while it was read (a task came or went); retry"
                        + " shortly", null);
            }
            return new Read<>(Optional.ofNullable(value), instance, standby, lag);
        }
        KeyAnswer answer = host.transport().get(instance,
                new KeyRequest(name(), serialised, partition, standby ? maxLag : -1));
        Optional<V> value = answer.value() == null ? Optional.empty()
                : Optional.of(valueSerde.deserializer().deserialize(null, answer.value()));
        return new Read<>(value, instance, answer.standby(), answer.lag());
    }

    /**
     * @return how far this instance's standby copy of the partition is behind
     * @throws ViewNotReadyException if it is further behind than this view allows
     */
    private long requireCloseEnough(int partition) {
        long lag = host.storeLag(partition);
        if (lag > maxLag) {
            throw new ViewNotReadyException(name(), ViewStatus.State.RESTORING, "View '" + name() + "': the standby"
                    + " of partition " + partition + " here is " + (lag == Long.MAX_VALUE ? "of unknown lag" : lag
                    + " records behind") + ", more than the allowed " + maxLag + "; retry shortly, or allow more"
                    + " with withStandbyReads(maxLag)", null);
        }
        return lag;
    }

    private static boolean retriable(RemoteQueryException e) {
        return switch (e.reason()) {
            case NOT_HERE, NOT_READY, UNREACHABLE -> true;
            default -> false;
        };
    }

    /**
     * @param host an instance, as Kafka Streams' metadata names it
     * @return its address, {@code host:port}
     */
    public static String address(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        Objects.requireNonNull(keys, () -> "View '" + name() + "': keys must not be null");
        Map<K, V> found = new LinkedHashMap<>();
        for (K key : keys) {
            read(key).value().ifPresent(value -> found.put(key, value));
        }
        return found;
    }

    @Override
    public Stream<Map.Entry<K, V>> range(K from, K to) {
        return local.stream(open(local.rangeSpec(from, to), SCAN_BATCH));
    }

    @Override
    public Stream<Map.Entry<K, V>> all() {
        return local.stream(open(ScanSpec.ALL, SCAN_BATCH));
    }

    @Override
    public Stream<Map.Entry<K, V>> prefixScan(K prefix) {
        if (prefix == null) {
            throw new NullPointerException("View '" + name() + "': prefix must not be null; a view has no null keys");
        }
        return prefixScan(prefix, keySerializer);
    }

    @Override
    public <P> Stream<Map.Entry<K, V>> prefixScan(P prefix, Serializer<P> prefixSerializer) {
        Objects.requireNonNull(prefix, () -> "View '" + name() + "': prefix must not be null");
        Objects.requireNonNull(prefixSerializer, () -> "View '" + name() + "': prefixSerializer must not be null");
        return local.stream(open(ScanSpec.prefix(prefixSerializer.serialize(null, prefix)), SCAN_BATCH));
    }

    @Override
    public Page<K, V> page(int limit) {
        return page(ScanSpec.ALL, limit);
    }

    @Override
    public Page<K, V> page(K from, K to, int limit) {
        return page(local.rangeSpec(from, to), limit);
    }

    @Override
    public Page<K, V> nextPage(String cursor, int limit) {
        Objects.requireNonNull(cursor, () -> "View '" + name() + "': cursor must not be null; pass Page.next()");
        return page(ScanSpec.decode(name(), cursor), limit);
    }

    private Page<K, V> page(ScanSpec spec, int limit) {
        StoreView.requireLimit(name(), limit);
        try (KeyValueIterator<K, V> rows = open(spec, limit)) {
            return local.guarded(() -> Pages.take(rows, spec, limit, keySerializer, name()));
        }
    }

    /**
     * Opens a scan over every partition of the view: the partitions held here from the local stores, the
     * others page by page from the instances that hold them, all merged in serialised-key order. If any part
     * cannot be opened, or cannot give its first row, the parts already opened are closed.
     */
    private KeyValueIterator<K, V> open(ScanSpec spec, int batch) {
        List<Copies> plan = host.scanPlan(maxLag >= 0);
        List<KeyValueIterator<K, V>> parts = new ArrayList<>();
        try {
            for (Copies copies : plan) {
                if (!copies.instance().equals(host.instance())) {
                    parts.add(new RemoteRows(copies, spec, batch));
                    continue;
                }
                if (copies.standby()) {
                    copies.partitions().forEach(this::requireCloseEnough);
                }
                parts.add(local.guarded(() -> local.open(spec, copies.partitions(), copies.standby())));
            }
        } catch (RuntimeException e) {
            MergedIterator.closeAll(parts, e);
            throw e;
        }
        // merging reads every part's first row: a local store that closed, or an instance that does not answer
        return local.guarded(() -> MergedIterator.merge(parts, keySerializer));
    }

    /** The rows of some partitions at another instance, fetched a page at a time. */
    private final class RemoteRows implements KeyValueIterator<K, V> {
        private final Copies copies;
        private final ScanSpec spec;
        private final int batch;
        private final ArrayDeque<ScanAnswer.Row> buffered = new ArrayDeque<>();
        private byte[] after;
        private boolean more = true;

        RemoteRows(Copies copies, ScanSpec spec, int batch) {
            this.copies = copies;
            this.spec = spec;
            this.batch = batch;
            this.after = spec.after();
        }

        @Override
        public boolean hasNext() {
            while (buffered.isEmpty() && more) {
                ScanAnswer answer;
                try {
                    answer = host.transport().scan(copies.instance(), new ScanRequest(name(),
                            List.copyOf(copies.partitions()), spec.from(), spec.to(), spec.prefix(), after, batch,
                            copies.standby() ? maxLag : -1));
                } catch (RemoteQueryException e) {
                    if (!retriable(e)) {
                        throw e;
                    }
                    throw new ViewNotReadyException(name(), host.status().state(), "View '" + name()
                            + "': the scan cannot be completed, partitions " + copies.partitions() + " at "
                            + copies.instance() + " did not answer (" + e.reason() + ": " + e.getMessage()
                            + "); no partial result is returned. Retry shortly", e);
                }
                buffered.addAll(answer.rows());
                more = answer.more() && !answer.rows().isEmpty();
                if (!answer.rows().isEmpty()) {
                    after = answer.rows().get(answer.rows().size() - 1).key();
                }
            }
            return !buffered.isEmpty();
        }

        @Override
        public KeyValue<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ScanAnswer.Row row = buffered.poll();
            return KeyValue.pair(keyDeserializer.deserialize(null, row.key()),
                    valueSerde.deserializer().deserialize(null, row.value()));
        }

        @Override
        public K peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return keyDeserializer.deserialize(null, buffered.peek().key());
        }

        @Override
        public void close() {
            buffered.clear();
            more = false;
        }
    }

    @Override
    public long approximateCount() {
        return local.approximateCount();
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> listener) {
        return local.subscribe(listener);
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> listener, int capacity) {
        return local.subscribe(listener, capacity);
    }

    @Override
    public ViewStatus status() {
        return local.status();
    }

    @Override
    public ReadOnlyView<K, V> awaitReady(Duration timeout) {
        local.awaitReady(timeout);
        return this;
    }

    @Override
    public ReadOnlyView<K, V> local() {
        return local;
    }

    @Override
    public <I> ReadOnlyIndex<I, K, V> index(ViewIndex<I, ? super V> index) {
        Objects.requireNonNull(index, () -> "View '" + name() + "': index must not be null");
        RoutedHost<Object, V> entries = host.index(index);
        return new IndexReads<>(name(), index, new RoutedView<>(new StoreView<>(entries), entries, maxLag));
    }

    @Override
    public ReadOnlyView<K, V> withStandbyReads(long maxLag) {
        StoreView.requireMaxLag(name(), maxLag);
        return new RoutedView<>(local, host, maxLag);
    }

    @Override
    public String toString() {
        return "ReadOnlyView[" + name() + ", routed" + (maxLag >= 0 ? ", standby reads up to " + maxLag + " behind" : "")
                + "]";
    }
}
