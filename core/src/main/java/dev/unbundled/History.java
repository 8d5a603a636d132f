package dev.unbundled;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of a view's past to keep, so that {@link ReadOnlyView#getAsOf} can answer what the view held
 * at an earlier instant. Given to {@link View#materialize(String, History)}.
 *
 * <pre>{@code
 * ViewDefinition<String, Product> products =
 *     View.from(PRODUCTS).materialize("products", History.retain(Duration.ofDays(7)));
 *
 * Optional<Product> lastMonday = runtime.view(products).getAsOf("p-1", Instant.parse("2024-05-06T09:00:00Z"));
 * }</pre>
 *
 * <p>Every change of the view (a new value or a delete) is kept as a version valid from the change's
 * record timestamp until the next change of the same key. The time of a change is the timestamp Kafka
 * Streams gives the view's row: the input record's timestamp for a table read from a topic, filtered or
 * mapped, the later of both sides' timestamps for a join. Versions are ordered by that time, not by
 * arrival. A version older than the retention (measured back from the newest timestamp the view has
 * seen) is dropped, except that the latest version of a key is kept however old it is.
 *
 * <p>The history lives in a Kafka Streams versioned store next to the view's own store, whatever the
 * view's {@link ViewStore}: the only versioned store Kafka Streams has is on RocksDB, in the runtime's
 * state directory, backed by a changelog topic {@code <application-id>-<view>.history-changelog}. Plain
 * reads ({@code get}, {@code range}, {@code all}, ...) keep reading the view's own store.
 *
 * <p>Immutable; two histories with the same retention are equal.
 */
public final class History {
    private final Duration retention;

    private History(Duration retention) {
        this.retention = retention;
    }

    /**
     * Keeps the view's versions for the given time.
     *
     * @param retention how far back reads as of an earlier instant are answered, at least one millisecond
     * @return the history setting
     * @throws NullPointerException if the retention is null
     * @throws IllegalArgumentException if the retention is shorter than one millisecond (zero or negative
     *     included), or too long to count in milliseconds
     */
    public static History retain(Duration retention) {
        Objects.requireNonNull(retention, "retention");
        long millis;
        try {
            millis = retention.toMillis();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("History.retain(" + retention + "): the retention is too long to count"
                    + " in milliseconds; give a shorter one, such as Duration.ofDays(365)", e);
        }
        if (millis < 1) {
            throw new IllegalArgumentException("History.retain(" + retention + "): the retention must be at least"
                    + " one millisecond; give a positive duration, such as Duration.ofDays(7)");
        }
        return new History(retention);
    }

    /** @return how long versions are kept */
    public Duration retention() {
        return retention;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof History that && that.retention.equals(retention);
    }

    @Override
    public int hashCode() {
        return retention.hashCode();
    }

    @Override
    public String toString() {
        return "History.retain(" + retention + ")";
    }
}
