package dev.unbundled;

import java.time.Duration;
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
 * best with try-with-resources. Keys are ordered by their serialised bytes, as the store keeps them.
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
     * Scans the rows whose keys lie between {@code from} and {@code to}, both inclusive, in the
     * order of the keys' serialised bytes. The stream must be closed.
     *
     * @param from the first key, not null
     * @param to the last key, not null, not before {@code from}
     * @return the rows, lazily; close it
     * @throws NullPointerException if a bound is null
     * @throws IllegalArgumentException if {@code to} sorts before {@code from}
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    Stream<Map.Entry<K, V>> range(K from, K to);

    /**
     * Scans every row in key order. The stream must be closed.
     *
     * @return the rows, lazily; close it
     * @throws ViewNotReadyException if the view cannot answer yet
     * @throws IllegalStateException if the runtime has been closed
     */
    Stream<Map.Entry<K, V>> all();

    /**
     * Scans the rows whose serialised keys start with the serialised {@code prefix}. For string
     * keys this is the usual string prefix. The stream must be closed.
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

    /** @return the view's state now; never throws */
    ViewStatus status();

    /**
     * Waits until the view answers reads.
     *
     * @param timeout how long to wait at most
     * @return this view, to chain a read
     * @throws NullPointerException if the timeout is null
     * @throws ViewNotReadyException if the view is still not ready when the timeout ends, naming its state
     * @throws IllegalStateException if the runtime has been closed
     */
    ReadOnlyView<K, V> awaitReady(Duration timeout);
}
