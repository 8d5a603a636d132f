package dev.unbundled.internal;

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
final class MergedIterator<K, V> implements KeyValueIterator<K, V> {
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
            this.key = Bytes.wrap(keys.serialize(null, row.key));
        }

        @Override
        public int compareTo(Head other) {
            return key.compareTo(other.key);
        }
    }

    MergedIterator(List<KeyValueIterator<K, V>> iterators, Serializer<K> keys) {
        this.iterators = iterators;
        this.keys = keys;
        iterators.forEach(this::advance);
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

    @Override
    public void close() {
        iterators.forEach(KeyValueIterator::close);
    }
}
