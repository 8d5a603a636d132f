package dev.unbundled.internal.read;

import java.util.NoSuchElementException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * An iterator of rows that finds each next row ahead of time, skipping rows it does not answer: a subclass
 * says how to find the next one, this class keeps it until it is taken.
 *
 * <pre>{@code
 * new LookaheadRows<K, V>() {
 *     protected KeyValue<K, V> advance() { ... return the next row to answer, or null at the end ... }
 *     public void close() { rows.close(); }
 * };
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public abstract class LookaheadRows<K, V> implements KeyValueIterator<K, V> {
    private KeyValue<K, V> next;

    /** @return the next row to answer, or null if there is none */
    protected abstract KeyValue<K, V> advance();

    @Override
    public final boolean hasNext() {
        if (next == null) {
            next = advance();
        }
        return next != null;
    }

    @Override
    public final KeyValue<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue<K, V> row = next;
        next = null;
        return row;
    }

    @Override
    public final K peekNextKey() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return next.key;
    }
}
