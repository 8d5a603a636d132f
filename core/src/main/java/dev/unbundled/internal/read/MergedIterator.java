package dev.unbundled.internal.read;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Merges the ordered iterators of several partitions into one, ordered by serialised key, the order each
 * partition's store keeps. Keys are distinct across partitions: a key lives in one partition.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class MergedIterator<K, V> implements KeyValueIterator<K, V> {
    private final List<KeyValueIterator<K, V>> iterators;
    private final Serializer<K> keys;
    private final PriorityQueue<Head> heads = new PriorityQueue<>();

    /** The next row of one partition, with its serialised key. */
    private final class Head implements Comparable<Head> {
        final KeyValueIterator<K, V> iterator;
        final KeyValue<K, V> row;
        final Bytes key;

        Head(KeyValueIterator<K, V> iterator, KeyValue<K, V> row) {
            this.iterator = iterator;
            this.row = row;
            this.key = Bytes.wrap(SerialisedRow.keyBytes(row, keys));
        }

        @Override
        public int compareTo(Head other) {
            return key.compareTo(other.key);
        }
    }

    /**
     * Reads the first row of every iterator. Prefer {@link #merge}, which closes the iterators if that fails.
     *
     * @throws RuntimeException whatever an iterator threw; the iterators are left open
     */
    MergedIterator(List<KeyValueIterator<K, V>> iterators, Serializer<K> keys) {
        this.iterators = iterators;
        this.keys = keys;
        iterators.forEach(this::advance);
    }

    /**
     * Merges the parts of a scan, or returns the only one. Building the merge reads the first row of every
     * part, which may fail (a store that closed, an instance that does not answer): then every part is
     * closed, since the caller never gets an iterator to close, and the failure is thrown.
     *
     * @param parts the parts, each ordered by serialised key
     * @param keys the view's key serializer
     * @return the rows of every part in serialised-key order; close it
     */
    public static <K, V> KeyValueIterator<K, V> merge(List<KeyValueIterator<K, V>> parts, Serializer<K> keys) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        try {
            return new MergedIterator<>(parts, keys);
        } catch (RuntimeException e) {
            closeAll(parts, e);
            throw e;
        }
    }

    /**
     * Closes every iterator, even when some fail to close.
     *
     * @param iterators the iterators
     * @param failure the failure that made the caller give up on them, which collects their close failures as
     *        suppressed exceptions; or null to throw the first close failure, with the later ones suppressed
     */
    static void closeAll(List<? extends KeyValueIterator<?, ?>> iterators, Throwable failure) {
        RuntimeException first = null;
        for (KeyValueIterator<?, ?> iterator : iterators) {
            try {
                iterator.close();
            } catch (RuntimeException e) {
                if (failure != null) {
                    if (failure != e) {
                        failure.addSuppressed(e);
                    }
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void advance(KeyValueIterator<K, V> iterator) {
        if (iterator.hasNext()) {
            heads.add(new Head(iterator, iterator.next()));
        }
    }

    @Override
    public boolean hasNext() {
        return !heads.isEmpty();
    }

    @Override
    public KeyValue<K, V> next() {
        Head head = heads.poll();
        if (head == null) {
            throw new NoSuchElementException();
        }
        advance(head.iterator);
        return head.row;
    }

    @Override
    public K peekNextKey() {
        Head head = heads.peek();
        if (head == null) {
            throw new NoSuchElementException();
        }
        return head.row.key;
    }

    /** Closes every partition's iterator, even if one fails to close; the first failure is thrown. */
    @Override
    public void close() {
        closeAll(iterators, null);
    }
}
