package dev.unbundled.testkit;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The driver's timestamped store read as a plain key-value store, the shape Kafka Streams' interactive
 * queries give a running application.
 */
final class UntimestampedStore implements ReadOnlyKeyValueStore<Object, Object> {
    private final ReadOnlyKeyValueStore<Object, ValueAndTimestamp<Object>> store;

    UntimestampedStore(ReadOnlyKeyValueStore<Object, ValueAndTimestamp<Object>> store) {
        this.store = store;
    }

    @Override
    public Object get(Object key) {
        return ValueAndTimestamp.getValueOrNull(store.get(key));
    }

    @Override
    public KeyValueIterator<Object, Object> range(Object from, Object to) {
        return new Values(store.range(from, to));
    }

    @Override
    public KeyValueIterator<Object, Object> reverseRange(Object from, Object to) {
        return new Values(store.reverseRange(from, to));
    }

    @Override
    public KeyValueIterator<Object, Object> all() {
        return new Values(store.all());
    }

    @Override
    public KeyValueIterator<Object, Object> reverseAll() {
        return new Values(store.reverseAll());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Object, Object> prefixScan(P prefix, PS prefixKeySerializer) {
        return new Values(store.prefixScan(prefix, prefixKeySerializer));
    }

    @Override
    public long approximateNumEntries() {
        return store.approximateNumEntries();
    }

    private static final class Values implements KeyValueIterator<Object, Object> {
        private final KeyValueIterator<Object, ValueAndTimestamp<Object>> rows;

        Values(KeyValueIterator<Object, ValueAndTimestamp<Object>> rows) {
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public KeyValue<Object, Object> next() {
            KeyValue<Object, ValueAndTimestamp<Object>> row = rows.next();
            return KeyValue.pair(row.key, ValueAndTimestamp.getValueOrNull(row.value));
        }

        @Override
        public Object peekNextKey() {
            return rows.peekNextKey();
        }

        @Override
        public void close() {
            rows.close();
        }
    }
}
