package dev.unbundled.internal.read;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.serialization.Serializer;
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
    /** A binary min-heap of each unfinished partition's next row, by serialised key; {@code size} are live. */
    private final Head<K, V>[] heads;
    private int size;

    /** The next row of one partition, with its serialised key; moved on in place as the partition is read. */
    private static final class Head<K, V> {
        final KeyValueIterator<K, V> iterator;
        KeyValue<K, V> row;
        byte[] key;

        Head(KeyValueIterator<K, V> iterator) {
            this.iterator = iterator;
        }

        /** @return whether the partition had another row, now this head's */
        boolean advance(Serializer<K> keys) {
            if (!iterator.hasNext()) {
                return false;
            }
            row = iterator.next();
            key = SerialisedRow.keyBytes(row, keys);
            return true;
        }
    }

    /**
     * Reads the first row of every iterator. Prefer {@link #merge}, which closes the iterators if that fails.
     *
     * @throws RuntimeException whatever an iterator threw; the iterators are left open
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    MergedIterator(List<KeyValueIterator<K, V>> iterators, Serializer<K> keys) {
        this.iterators = iterators;
        this.keys = keys;
        this.heads = new Head[iterators.size()];
        for (KeyValueIterator<K, V> iterator : iterators) {
            Head<K, V> head = new Head<>(iterator);
            if (head.advance(keys)) {
                heads[size++] = head;
            }
        }
        for (int at = size / 2 - 1; at >= 0; at--) {
            siftDown(at);
        }
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

    /** Moves the head at a place down the heap until no child has a lower key. */
    private void siftDown(int at) {
        Head<K, V> moving = heads[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && Arrays.compareUnsigned(heads[child + 1].key, heads[child].key) < 0) {
                child++;
            }
            if (Arrays.compareUnsigned(heads[child].key, moving.key) >= 0) {
                break;
            }
            heads[at] = heads[child];
            at = child;
        }
        heads[at] = moving;
    }

    @Override
    public boolean hasNext() {
        return size > 0;
    }

    @Override
    public KeyValue<K, V> next() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        Head<K, V> first = heads[0];
        KeyValue<K, V> row = first.row;
        if (!first.advance(keys)) {
            heads[0] = heads[--size];
            heads[size] = null;
        }
        if (size > 1) {
            siftDown(0);
        }
        return row;
    }

    @Override
    public K peekNextKey() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return heads[0].row.key;
    }

    /** Closes every partition's iterator, even if one fails to close; the first failure is thrown. */
    @Override
    public void close() {
        closeAll(iterators, null);
    }
}
