package dev.unbundled.internal.read;

import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Page;
import dev.unbundled.Read;
import dev.unbundled.ReadListener;
import dev.unbundled.ReadListener.Kind;
import dev.unbundled.ReadListener.Outcome;
import dev.unbundled.ReadOnlyIndex;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A view whose reads a {@link ReadListener} hears: each read is timed and told with its kind and outcome.
 * Point reads learn where they were answered from the {@link Read} they return.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ObservedView<K, V> implements ReadOnlyView<K, V> {
    private final ReadOnlyView<K, V> view;
    private final ReadListener listener;
    /** The outcome of a scan that succeeds: LOCAL, or ROUTED where the view reads other instances too. */
    private final Outcome scanned;
    private final String localInstance;

    /**
     * @param view the view to observe
     * @param listener what hears its reads
     * @param routed whether the view's scans merge other instances' partitions
     * @param localInstance this instance's address, as a {@link Read} names it
     */
    public ObservedView(ReadOnlyView<K, V> view, ReadListener listener, boolean routed, String localInstance) {
        this.view = view;
        this.listener = listener;
        this.scanned = routed ? Outcome.ROUTED : Outcome.LOCAL;
        this.localInstance = localInstance;
    }

    @Override
    public String name() {
        return view.name();
    }

    @Override
    public Optional<V> get(K key) {
        return observedRead(Kind.GET, () -> view.read(key)).value();
    }

    @Override
    public Optional<V> get(K key, Freshness freshness) {
        return observed(Kind.GET, () -> view.get(key, freshness), Outcome.LOCAL);
    }

    @Override
    public Read<V> read(K key) {
        return observedRead(Kind.READ, () -> view.read(key));
    }

    @Override
    public Optional<V> getAsOf(K key, Instant asOf) {
        return observed(Kind.GET_AS_OF, () -> view.getAsOf(key, asOf), Outcome.LOCAL);
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        return observed(Kind.GET_ALL, () -> view.getAll(keys), scanned);
    }

    @Override
    public Stream<Map.Entry<K, V>> range(K from, K to) {
        return observed(Kind.RANGE, () -> view.range(from, to), scanned);
    }

    @Override
    public Stream<Map.Entry<K, V>> all() {
        return observed(Kind.ALL, view::all, scanned);
    }

    @Override
    public Stream<Map.Entry<K, V>> prefixScan(K prefix) {
        return observed(Kind.PREFIX_SCAN, () -> view.prefixScan(prefix), scanned);
    }

    @Override
    public <P> Stream<Map.Entry<K, V>> prefixScan(P prefix, Serializer<P> prefixSerializer) {
        return observed(Kind.PREFIX_SCAN, () -> view.prefixScan(prefix, prefixSerializer), scanned);
    }

    @Override
    public Page<K, V> page(int limit) {
        return observed(Kind.PAGE, () -> view.page(limit), scanned);
    }

    @Override
    public Page<K, V> page(K from, K to, int limit) {
        return observed(Kind.PAGE, () -> view.page(from, to, limit), scanned);
    }

    @Override
    public Page<K, V> nextPage(String cursor, int limit) {
        return observed(Kind.PAGE, () -> view.nextPage(cursor, limit), scanned);
    }

    @Override
    public long approximateCount() {
        return observed(Kind.COUNT, view::approximateCount, scanned);
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> changes) {
        return view.subscribe(changes);
    }

    @Override
    public Subscription subscribe(ChangeListener<K, V> changes, int capacity) {
        return view.subscribe(changes, capacity);
    }

    @Override
    public ViewStatus status() {
        return view.status();
    }

    @Override
    public ReadOnlyView<K, V> awaitReady(Duration timeout) {
        view.awaitReady(timeout);
        return this;
    }

    @Override
    public ReadOnlyView<K, V> awaitFreshness(Freshness freshness, Duration timeout) {
        view.awaitFreshness(freshness, timeout);
        return this;
    }

    @Override
    public <I> ReadOnlyIndex<I, K, V> index(ViewIndex<I, ? super V> index) {
        return view.index(index);
    }

    @Override
    public ReadOnlyView<K, V> local() {
        ReadOnlyView<K, V> local = view.local();
        return local == view ? this : new ObservedView<>(local, listener, false, localInstance);
    }

    @Override
    public ReadOnlyView<K, V> withStandbyReads(long maxLag) {
        return new ObservedView<>(view.withStandbyReads(maxLag), listener, scanned == Outcome.ROUTED, localInstance);
    }

    @Override
    public String toString() {
        return view.toString();
    }

    private Read<V> observedRead(Kind kind, Supplier<Read<V>> read) {
        return observed(kind, read, answer -> answer.standby() ? Outcome.STANDBY
                : answer.instance().equals(localInstance) ? Outcome.LOCAL : Outcome.REMOTE);
    }

    private <T> T observed(Kind kind, Supplier<T> read, Outcome answered) {
        return observed(kind, read, answer -> answered);
    }

    /** Runs a read and tells the listener how long it took and where it was answered, or how it failed. */
    private <T> T observed(Kind kind, Supplier<T> read, Function<T, Outcome> answered) {
        long start = System.nanoTime();
        Outcome outcome = Outcome.FAILED;
        try {
            T answer = read.get();
            outcome = answered.apply(answer);
            return answer;
        } catch (ViewNotReadyException e) {
            outcome = Outcome.NOT_READY;
            throw e;
        } finally {
            listener.onRead(view.name(), kind, outcome, System.nanoTime() - start);
        }
    }
}
