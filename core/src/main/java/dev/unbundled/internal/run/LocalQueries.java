package dev.unbundled.internal.run;

import dev.unbundled.ViewNotReadyException;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.read.MergedIterator;
import dev.unbundled.internal.read.RoutedHost;
import dev.unbundled.internal.read.ScanSpec;
import dev.unbundled.remote.KeyAnswer;
import dev.unbundled.remote.KeyRequest;
import dev.unbundled.remote.QueryHandler;
import dev.unbundled.remote.RemoteQueryException;
import dev.unbundled.remote.ScanAnswer;
import dev.unbundled.remote.ScanRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.InvalidStateStorePartitionException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers other instances' reads from a runtime's local partitions: the active copy of a partition, or,
 * where the reader allows a lag, a standby no further behind than that. The query server starts before
 * the runtime exists, so reads that arrive until {@link #attach} are refused as not ready.
 */
final class LocalQueries implements QueryHandler {
    private volatile StreamsRuntime runtime;

    /** The local copy of a partition that answers a remote read. */
    private record Copy(ReadOnlyKeyValueStore<Object, Object> store, boolean standby, long lag) {
    }

    void attach(StreamsRuntime started) {
        runtime = started;
    }

    @Override
    public boolean knows(String view) {
        StreamsRuntime here = runtime;
        int dot = view.indexOf('.');
        return here != null && here.view(dot < 0 ? view : view.substring(0, dot)).filter(running -> dot < 0
                || ((RunningView<?, ?>) running).definition().index(view.substring(dot + 1)).isPresent()).isPresent();
    }

    @Override
    public KeyAnswer get(KeyRequest request) {
        RunningView<Object, Object> view = ready(request.view());
        DefinitionImpl<Object, Object> definition = view.definition();
        Object key = decode(request.view(), definition.keySerde(), request.key());
        long generation = view.storeGeneration();
        Copy copy = copy(view, request.partition(), request.maxLag());
        Object value;
        try {
            value = copy.store().get(key);
        } catch (InvalidStateStoreException e) {
            throw refused(request.view(), request.partition(), e);
        }
        requireSameStores(view, generation, request.partition());
        return new KeyAnswer(value == null ? null : definition.valueSerde().serializer().serialize(null, value),
                copy.standby(), copy.lag());
    }

    @Override
    public ScanAnswer scan(ScanRequest request) {
        RoutedHost<Object, Object> view = scanned(request.view());
        ScanSpec spec = new ScanSpec(request.from(), request.to(), request.prefix(), request.after());
        requireKeys(request.view(), view.keySerde(), request.from(), request.to(), request.after());
        Serializer<Object> keys = view.keySerde().serializer();
        List<KeyValueIterator<Object, Object>> parts = new ArrayList<>();
        long generation = view.storeGeneration();
        try {
            for (int partition : new TreeSet<>(request.partitions())) {
                parts.add(spec.open(copy(view, partition, request.maxLag()).store(), keys,
                        view.keySerde().deserializer()));
            }
            try (KeyValueIterator<Object, Object> rows = MergedIterator.merge(parts, keys)) {
                List<ScanAnswer.Row> page = new ArrayList<>();
                long bytes = 0;
                while (page.size() < request.limit() && rows.hasNext()) {
                    KeyValue<Object, Object> row = rows.next();
                    ScanAnswer.Row serialized = new ScanAnswer.Row(keys.serialize(null, row.key),
                            view.valueSerde().serializer().serialize(null, row.value));
                    bytes += serialized.key().length + serialized.value().length;
                    if (!page.isEmpty() && bytes > request.maxBytes()) {
                        // The next page starts after the last key sent, so this row comes first there.
                        return new ScanAnswer(page, true);
                    }
                    page.add(serialized);
                }
                requireSameStores(view, generation, -1);
                return new ScanAnswer(page, rows.hasNext());
            }
        } catch (InvalidStateStoreException e) {
            parts.forEach(KeyValueIterator::close);
            throw refused(request.view(), -1, e);
        } catch (RuntimeException e) {
            parts.forEach(KeyValueIterator::close);
            throw e;
        }
    }

    /**
     * Refuses an answer read while one of the view's local stores opened or closed: the copy read may not be the
     * one whose lag was checked, or may have been emptied as it closed.
     */
    private static void requireSameStores(RoutedHost<Object, Object> view, long generation, int partition) {
        if (view.storeGeneration() != generation) {
            throw new RemoteQueryException(view.name(), RemoteQueryException.Reason.NOT_READY, "a copy of "
                    + (partition < 0 ? "a partition" : "partition " + partition) + " here changed while it was read"
                    + " (a task came or went); retry");
        }
    }

    /** @return the scanned view, or its index for a name {@code view.index} */
    private RoutedHost<Object, Object> scanned(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) {
            return ready(name);
        }
        try {
            return ready(name.substring(0, dot)).index(name.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new RemoteQueryException(name, RemoteQueryException.Reason.UNKNOWN_VIEW, e.getMessage(), e);
        }
    }

    /** A remote read names the view and sends serialised keys: its view's types are known only at run time. */
    @SuppressWarnings("unchecked")
    private RunningView<Object, Object> ready(String view) {
        StreamsRuntime here = runtime;
        if (here == null || here.isClosed()) {
            throw new RemoteQueryException(view, RemoteQueryException.Reason.NOT_READY, "the runtime is "
                    + (here == null ? "starting" : "closed"));
        }
        RunningView<Object, Object> running = (RunningView<Object, Object>) here.view(view).orElseThrow(() ->
                new RemoteQueryException(view, RemoteQueryException.Reason.UNKNOWN_VIEW, "no view '" + view
                        + "' runs here"));
        if (!running.rebuild().isBuilt()) {
            // this instance holds the partition, but its version of the view is not built yet: not elsewhere
            throw new RemoteQueryException(view, RemoteQueryException.Reason.NOT_READY, "view '" + view
                    + "' is REBUILDING here (" + running.rebuild().progress() + " of its input)");
        }
        return running;
    }

    private static Copy copy(RoutedHost<Object, Object> running, int partition, long maxLag) {
        String view = running.name();
        try {
            ReadOnlyKeyValueStore<Object, Object> active = running.partitionStore(partition, false);
            active.approximateNumEntries();
            return new Copy(active, false, 0);
        } catch (InvalidStateStoreException | ViewNotReadyException e) {
            if (maxLag < 0) {
                throw e instanceof InvalidStateStoreException invalid ? refused(view, partition, invalid)
                        : new RemoteQueryException(view, RemoteQueryException.Reason.NOT_HERE, e.getMessage(), e);
            }
        }
        ReadOnlyKeyValueStore<Object, Object> standby;
        try {
            standby = running.partitionStore(partition, true);
            standby.approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            throw refused(view, partition, e);
        } catch (ViewNotReadyException e) {
            throw new RemoteQueryException(view, RemoteQueryException.Reason.NOT_HERE, e.getMessage(), e);
        }
        long lag = running.storeLag(partition);
        if (lag > maxLag) {
            throw new RemoteQueryException(view, RemoteQueryException.Reason.NOT_READY, "the standby of partition "
                    + partition + " is " + lag + " records behind, more than the allowed " + maxLag);
        }
        return new Copy(standby, true, lag);
    }

    private static Object decode(String view, Serde<Object> serde, byte[] key) {
        try {
            Object decoded = serde.deserializer().deserialize(null, key);
            if (decoded == null) {
                throw new IllegalArgumentException("null key");
            }
            return decoded;
        } catch (RuntimeException e) {
            throw new RemoteQueryException(view, RemoteQueryException.Reason.BAD_REQUEST, "the key does not"
                    + " decode with view '" + view + "''s key serde: " + e.getMessage(), e);
        }
    }

    /** Refuses, as a bad request, bounds the key serde cannot read: the store would fail on them (a 500). */
    private static void requireKeys(String view, Serde<Object> serde, byte[]... bounds) {
        for (byte[] bound : bounds) {
            if (bound != null) {
                decode(view, serde, bound);
            }
        }
    }

    private static RemoteQueryException refused(String view, int partition, InvalidStateStoreException e) {
        return new RemoteQueryException(view, e instanceof InvalidStateStorePartitionException
                ? RemoteQueryException.Reason.NOT_HERE : RemoteQueryException.Reason.NOT_READY,
                (partition >= 0 ? "partition " + partition + " of " : "") + "view '" + view
                        + "' cannot be read here now: " + e.getMessage(), e);
    }
}
