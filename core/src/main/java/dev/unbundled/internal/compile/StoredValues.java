package dev.unbundled.internal.compile;

import dev.unbundled.internal.compile.Aggregates.Counted;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * A view's values as its reads see them, whatever wraps them in the store: a timestamp (a table's store
 * seen from inside its task, or through the test driver) or a row count (a table aggregation's
 * {@link Counted} aggregate). Neither wrapper can be a view's own value type.
 */
public final class StoredValues {
    private StoredValues() {
    }

    /**
     * @param stored a value as a store holds it
     * @return the view's value
     */
    public static Object unwrap(Object stored) {
        Object value = stored instanceof ValueAndTimestamp<?> timestamped ? timestamped.value() : stored;
        return value instanceof Counted counted ? counted.value() : value;
    }

    /**
     * @param store a view's store
     * @return the store with its values unwrapped, as the view's reads see it
     */
    public static ReadOnlyKeyValueStore<Object, Object> unwrapping(ReadOnlyKeyValueStore<Object, ?> store) {
        return new Unwrapping(store);
    }

    private record Unwrapping(ReadOnlyKeyValueStore<Object, ?> store) implements ReadOnlyKeyValueStore<Object, Object> {
        @Override
        public Object get(Object key) {
            return unwrap(store.get(key));
        }

        @Override
        public KeyValueIterator<Object, Object> range(Object from, Object to) {
            return new Rows(store.range(from, to));
        }

        @Override
        public KeyValueIterator<Object, Object> reverseRange(Object from, Object to) {
            return new Rows(store.reverseRange(from, to));
        }

        @Override
        public KeyValueIterator<Object, Object> all() {
            return new Rows(store.all());
        }

        @Override
        public KeyValueIterator<Object, Object> reverseAll() {
            return new Rows(store.reverseAll());
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<Object, Object> prefixScan(P prefix, PS prefixKeySerializer) {
            return new Rows(store.prefixScan(prefix, prefixKeySerializer));
        }

        @Override
        public long approximateNumEntries() {
            return store.approximateNumEntries();
        }
    }

    private record Rows(KeyValueIterator<Object, ?> rows) implements KeyValueIterator<Object, Object> {
        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public KeyValue<Object, Object> next() {
            KeyValue<Object, ?> row = rows.next();
            return KeyValue.pair(row.key, unwrap(row.value));
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
