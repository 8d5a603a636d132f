package dev.unbundled.benchmarks;

import java.time.Duration;

/**
 * A running application under comparison: an Unbundled {@link dev.unbundled.ViewRuntime}, or the
 * hand-written Kafka Streams application that computes the same views. Runs read both the same way.
 *
 * <pre>{@code
 * try (Contender app = Contenders.unbundled(kafka, "bench-1", stateDir, view)) {
 *     app.awaitReady(Duration.ofMinutes(1));
 *     Reader<String, Product> products = app.reader(view.name());
 * }
 * }</pre>
 */
public interface Contender extends AutoCloseable {

    /** @return what runs: {@code Unbundled} or {@code hand-written Kafka Streams} */
    String kind();

    /** @return a text in the name of every thread this application runs, to measure their CPU time */
    String threadTag();

    /**
     * Waits until every view answers reads: the application has joined its group and opened its stores.
     * It may not have caught up with its input topics yet.
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException if a view is not ready in time
     */
    void awaitReady(Duration timeout);

    /**
     * @param view the view's (or store's) name
     * @param <K> the key type
     * @param <V> the value type
     * @return a reader of that view; call after {@link #awaitReady}
     */
    <K, V> Reader<K, V> reader(String view);

    /** Stops the application and leaves its consumer group. */
    @Override
    void close();

    /**
     * Point reads and counts of one view.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    interface Reader<K, V> {
        /**
         * @param key a key
         * @return its value, or null
         */
        V get(K key);

        /** @return how many rows the view holds; exact for in-memory stores */
        long count();
    }
}
