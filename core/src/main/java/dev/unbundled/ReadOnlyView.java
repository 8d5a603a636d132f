package dev.unbundled;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A typed, read-only, always up-to-date view, as returned by {@link ViewRuntime#view(ViewDefinition)}.
 *
 * <p>Point reads answer from local state in microseconds. Scans ({@link #range}, {@link #all},
 * {@link #prefixScan}) return a {@link Stream} that holds a store iterator: <b>always close it</b>,
 * best with try-with-resources. Rows come in the order of their serialised keys, compared as unsigned bytes (the
 * order the stores keep), which is not always the key type's own order: see {@link #all()}.
 *
 * <pre>{@code
 * ReadOnlyView<String, OrderNote> notes = runtime.view(ORDER_NOTES);
 * notes.awaitReady(Duration.ofSeconds(30));
 * Optional<OrderNote> note = notes.get("o-1");
 * try (Stream<Map.Entry<String, OrderNote>> page = notes.range("o-1", "o-9")) {
 *     page.forEach(e -> print(e.getKey(), e.getValue()));
 * }
 * }</pre>
 *
 * <p>When several instances of a service run the view, each holds some of its partitions. On a runtime that
 * {@linkplain ViewRuntime.Builder#advertise advertises} an address, reads ({@link #get}, {@link #getAll},
 * scans and pages) are routed: a key is read at the instance that holds it, and scans gather every partition
 * from the instances that hold them and merge them in that same serialised-key order. {@link #status()},
 * {@link #awaitReady}, {@link #approximateCount()}, {@link #subscribe} and freshness waits are about this
 * instance's partitions.
 *
 * <p>Reads never throw Kafka Streams' {@code InvalidStateStoreException}: a view that cannot answer
 * yet throws {@link ViewNotReadyException}, naming the view and its state. Every method is safe to
 * call from any thread. This interface is not meant to be implemented outside Unbundled.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyView<K, V> {

    /** @return the view's name, as given to {@link View#materialize(String)} */
    String name();

    /**
     * Reads the value of one key.
     *
     * @param key the key, not null
     * @return the value, or empty if the view has no row for the key
     * @throws NullPointerException if the key is null
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    Optional<V> get(K key);

    /**
     * Reads the value one key had at an earlier instant, from a view that keeps history (materialised with
     * {@link View#materialize(String, History)}).
     *
     * <pre>{@code
     * ViewDefinition<String, Product> products =
     *     View.from(PRODUCTS).materialize("products", History.retain(Duration.ofDays(7)));
     * Optional<Product> yesterday = runtime.view(products).getAsOf("p-1", Instant.now().minus(Duration.ofDays(1)));
     * }</pre>
     *
     * <p>The answer is the version with the latest timestamp at or before {@code asOf} (millisecond
     * precision; record timestamps, not the time the view processed them; see {@link History} for the
     * timestamp of a join's or an aggregation's change). It is empty if the key had no row then: before its
     * first version, or after a delete (or after the row left a filtered view), until it came back. It is
     * also empty for an instant older than the history's retention, measured back from the newest timestamp
     * the view has seen, unless the key's latest version is older still. Where records arrive out of
     * timestamp order, {@link #get(Object)} answers the latest by arrival and {@code getAsOf} the latest by
     * timestamp, so the two may differ.
     *
     * @param key the key, not null
     * @param asOf the instant, not null
     * @return the value the view held for the key at {@code asOf}, or empty if it held none
     * @throws NullPointerException if an argument is null
     * @throws UnsupportedOperationException if the view keeps no history; the message names the view and
     *     says how to keep one
     * @throws ViewNotReadyException if the view cannot answer yet, or the key's partition is not active on
     *     this instance
     * @throws IllegalStateException if the runtime has been closed
     */
    Optional<V> getAsOf(K key, Instant asOf);

    /**
     * Reads the value of one key once the view has processed the given writes: read-your-writes.
     *
     * <pre>{@code
     * RecordMetadata sent = producer.send(record).get();
     * Optional<OrderNote> note = notes.get("o-1", Freshness.after(sent));
     * }</pre>
     *
     * <p>Waits at most 10 seconds; use {@link #awaitFreshness} first to choose the timeout.
     *
     * @param key the key, not null
     * @param freshness the writes the answer must reflect; {@link Freshness#any()} reads at once
     * @return the value, or empty if the view has no row for the key
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the token names a topic the view does not read
     * @throws ViewNotReadyException if the view has not processed the writes in time, naming the positions it lacks,
     *     or, on a runtime shared by several instances, if the token names partitions other instances process
     * @throws IllegalStateException if the runtime has been closed
     */
    Optional<V> get(K key, Freshness freshness);

    /**
     * Waits until the view has processed the given writes (see {@link Freshness} for what processed means
     * for views with a repartition step).
     *
     * <pre>{@code
     * notes.awaitFreshness(Freshness.after(sent), Duration.ofSeconds(2)).get("o-1");
     * }</pre>
     *
     * @param freshness the writes to wait for
     * @param timeout how long to wait at most
     * @return this view, to chain a read
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the token names a topic the view does not read
     * @throws ViewNotReadyException if the view has not processed the writes in time, naming the positions it lacks
     * @throws IllegalStateException if the runtime has been closed
     */
    ReadOnlyView<K, V> awaitFreshness(Freshness freshness, Duration timeout);

    /**
     * Reads the values of several keys.
     *
     * @param keys the keys, none of them null
     * @return the keys that have a row, with their values, in the order of {@code keys}
     * @throws NullPointerException if the collection or one of its keys is null
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    Map<K, V> getAll(Collection<? extends K> keys);

    /**
     * Scans the rows whose serialised keys lie between those of {@code from} and {@code to}, both inclusive,
     * in the order of {@link #all()}. The stream must be closed.
     *
     * @param from the first key, not null
     * @param to the last key, not null, not before {@code from}
     * @return the rows, lazily; close it
     * @throws NullPointerException if a bound is null
     * @throws IllegalArgumentException if {@code to}'s serialised bytes sort before {@code from}'s (as
     *         {@code range(-1, 1)} does for {@code Serdes.Integer()} keys)
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    Stream<Map.Entry<K, V>> range(K from, K to);

    /**
     * Scans every row, in the lexicographic order of the serialised keys' bytes, each compared unsigned (the
     * order the stores keep), not the key type's own order. For {@code Serdes.String()} keys that is the order
     * of their UTF-8 bytes, which is {@link String#compareTo} order except that characters above U+FFFF sort
     * after those from U+E000 to U+FFFF; for {@code Serdes.Integer()} and {@code Serdes.Long()} keys
     * (big-endian two's complement) it is 0 up to the largest value, then the smallest up to -1. The stream
     * must be closed.
     *
     * @return the rows, lazily; close it
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    Stream<Map.Entry<K, V>> all();

    /**
     * Scans the rows whose serialised keys start with the serialised {@code prefix}. For string
     * keys this is the usual string prefix; an empty one ({@code ""}) matches every row. The stream must be
     * closed.
     *
     * @param prefix the prefix, serialised with the view's own key serde
     * @return the rows, lazily; close it
     * @throws NullPointerException if the prefix is null
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    Stream<Map.Entry<K, V>> prefixScan(K prefix);

    /**
     * Scans the rows whose serialised keys start with a prefix of another type, such as the first
     * field of a composite key. The stream must be closed.
     *
     * @param prefix the prefix
     * @param prefixSerializer how to serialise the prefix so that it matches the keys' leading bytes
     * @param <P> the prefix type
     * @return the rows, lazily; close it
     * @throws NullPointerException if an argument is null
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    <P> Stream<Map.Entry<K, V>> prefixScan(P prefix, Serializer<P> prefixSerializer);

    /**
     * @return the store's own estimate of the number of rows; exact for in-memory views
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    long approximateCount();

    /**
     * Reads one key, and says who answered: see {@link Read}. On a runtime that
     * {@linkplain ViewRuntime.Builder#advertise advertises} an address the read is routed to the instance
     * that holds the key's partition.
     *
     * <pre>{@code
     * Read<Chart> read = charts.read("rock");
     * }</pre>
     *
     * @param key the key, not null
     * @return the value and where it came from
     * @throws NullPointerException if the key is null
     * @throws ViewNotReadyException if no copy of the key's partition can answer, naming what was tried
     * @throws IllegalStateException if the runtime has been closed
     */
    Read<V> read(K key);

    /**
     * Reads the first page of {@link #all()}: at most {@code limit} rows in its order, and a cursor to the next
     * page. Unlike a scan, a page holds no store resources.
     *
     * <pre>{@code
     * Page<String, Song> first = songs.page(100);
     * Page<String, Song> second = songs.nextPage(first.next().orElseThrow(), 100);
     * }</pre>
     *
     * @param limit the most rows to return, at least 1
     * @return the page
     * @throws IllegalArgumentException if the limit is below 1
     * @throws ViewNotReadyException if a partition of the view has no instance that can answer
     */
    Page<K, V> page(int limit);

    /**
     * Reads the first page of {@link #range(Object, Object)}.
     *
     * @param from the lowest key, inclusive
     * @param to the highest key, inclusive
     * @param limit the most rows to return, at least 1
     * @return the page
     * @throws NullPointerException if a bound is null
     * @throws IllegalArgumentException if the range is reversed or the limit is below 1
     * @throws ViewNotReadyException if a partition of the view has no instance that can answer
     */
    Page<K, V> page(K from, K to, int limit);

    /**
     * Reads the page after the one that returned the cursor, with the same bounds. Rows written since are
     * included if their keys come after the cursor; every key present throughout is returned exactly once
     * over all pages.
     *
     * @param cursor {@link Page#next()} of the previous page
     * @param limit the most rows to return, at least 1
     * @return the page
     * @throws IllegalArgumentException if the cursor is not one this view handed out, or the limit is below 1
     * @throws ViewNotReadyException if a partition of the view has no instance that can answer
     */
    Page<K, V> nextPage(String cursor, int limit);

    /**
     * This view's rows on this instance only, never routed: what the partitions this instance holds
     * contain. On a runtime that advertises no address, the view is already local and this returns it.
     *
     * @return the local view
     */
    ReadOnlyView<K, V> local();

    /**
     * A view of the same rows whose reads may be answered by a standby copy of a partition (see Kafka
     * Streams' {@code num.standby.replicas}) that is at most {@code maxLag} records behind, when the active
     * copy cannot answer, for example while it moves to another instance. Such reads wait up to 10 seconds
     * for some copy to answer instead of failing at once. {@link Read#standby()} says which copy answered.
     *
     * <pre>{@code
     * ReadOnlyView<String, Chart> charts = runtime.view(TOP_FIVE).withStandbyReads(1_000);
     * }</pre>
     *
     * @param maxLag the most records a standby may be behind, at least 0
     * @return the view
     * @throws IllegalArgumentException if maxLag is negative
     */
    ReadOnlyView<K, V> withStandbyReads(long maxLag);

    /**
     * Reads this view by one of its secondary indexes, declared on its definition with
     * {@link ViewDefinition#withIndex}. A routed view's index reads every partition where it is held;
     * {@link #local()}'s index reads this instance's partitions.
     *
     * <pre>{@code
     * Map<String, OrderNote> ofCustomer = notes.index(BY_CUSTOMER).get("c-7");
     * }</pre>
     *
     * @param index the index, as the definition was given it
     * @param <I> the index key type
     * @return reads of the view by that index
     * @throws IllegalArgumentException if the view declares no such index, or one of that name with other functions
     */
    <I> ReadOnlyIndex<I, K, V> index(ViewIndex<I, ? super V> index);

    /**
     * Subscribes to the changes of this view, with a buffer of 10,000 changes. See
     * {@link #subscribe(ChangeListener, int)}.
     *
     * @param listener receives each change after it is applied
     * @return the subscription; close it
     * @throws NullPointerException if the listener is null
     * @throws IllegalStateException if the runtime has been closed
     */
    Subscription subscribe(ChangeListener<K, V> listener);

    /**
     * Subscribes to the changes of this view: every change applied from now on (key, new value or a
     * delete) is delivered once, after it is applied, on a dispatcher thread of this subscription, never
     * on a stream thread.
     *
     * <p><b>Old values.</b> Each change carries the value the view held before it ({@link Change#oldValue()}):
     * empty for an insert, the replaced value for an update, the deleted value for a delete. While a view
     * has subscriptions, its store reads a key's value before each write, one read per change; with none,
     * nothing is read. A change applied while the first subscription was being made may lack its old value.
     *
     * <p><b>Overflow policy.</b> Changes wait in a buffer of {@code capacity} entries. When a listener is
     * so slow that the buffer fills, the view keeps running and the subscription is dropped: the buffered
     * changes are delivered, then {@link ChangeListener#onError} is called once, and later changes are not
     * delivered. Processing is never slowed by a listener, and no change is silently skipped in a
     * subscription that is still active.
     *
     * <pre>{@code
     * try (Subscription subscription = notes.subscribe(change -> page.push(change), 1_000)) {
     *     ...
     * }
     * }</pre>
     *
     * <p>A filtered view may report a delete for a key it did not hold (Kafka Streams forwards the record
     * that no longer matches as a delete). Once means once per time Kafka Streams applies the change: after
     * a crash, or when a task moves to this instance, records since the last commit are processed again
     * and their changes delivered again (with {@code exactly_once_v2} too, since changes are delivered
     * before the transaction commits), so a listener should be idempotent, as cache invalidation is.
     *
     * @param listener receives each change after it is applied
     * @param capacity how many changes may wait for the listener, at least 1
     * @return the subscription; close it
     * @throws NullPointerException if the listener is null
     * @throws IllegalArgumentException if the capacity is below 1, or the view is global
     * @throws IllegalStateException if the runtime has been closed
     */
    Subscription subscribe(ChangeListener<K, V> listener, int capacity);

    /** @return the view's state now; never throws */
    ViewStatus status();

    /**
     * Waits until the view answers reads and has caught up with its input topics: every input partition
     * this instance processes has been processed up to the end offset it had when this method was
     * called, and for a view with a repartition step (a foreign-key join, a re-key, an aggregation)
     * everything those records led to has crossed the internal topics into the view.
     *
     * <pre>{@code
     * long rows = view.awaitReady(Duration.ofSeconds(30)).approximateCount();
     * }</pre>
     *
     * @param timeout how long to wait at most
     * @return this view, to chain a read
     * @throws NullPointerException if the timeout is null
     * @throws ViewNotReadyException if the view is still not ready or behind when the timeout ends, naming its
     *     state or the partitions and lag it still waits for
     * @throws IllegalStateException if the runtime has been closed
     */
    ReadOnlyView<K, V> awaitReady(Duration timeout);
}
