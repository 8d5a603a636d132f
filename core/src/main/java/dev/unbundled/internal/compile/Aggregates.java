package dev.unbundled.internal.compile;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The aggregate values behind table aggregations and re-keys, with their serdes. They let a group know
 * how many rows it holds, so that a group whose last row leaves is deleted rather than kept at zero.
 * Every operation returns a new value: Kafka Streams forwards the old aggregate as the retraction, so
 * changing it in place would corrupt what flows downstream.
 *
 * <p>A view that is a table aggregation keeps its {@link Counted} aggregates in its own store (one store,
 * one changelog); its reads go through {@link StoredValues}, which hands out the aggregate values.
 */
final class Aggregates {
    private Aggregates() {
    }

    /**
     * An aggregate together with the number of rows folded into it. The value of an empty group is
     * null: the adder sees null for a group's first row and starts the aggregate from there.
     */
    record Counted(long count, Object value) {
        static final Counted EMPTY = new Counted(0, null);

        Counted add(Object row, BiFunction<Object, Object, Object> adder) {
            return new Counted(count + 1, adder.apply(value, row));
        }

        /** @return the aggregate without the row, or null when it was the last: Kafka Streams then deletes the group */
        Counted remove(Object row, BiFunction<Object, Object, Object> subtractor) {
            return count <= 1 ? null : new Counted(count - 1, subtractor.apply(value, row));
        }
    }

    /** A row's value tagged with its key before a re-key, so the row can be told apart from others. */
    record Tagged(Bytes sourceKey, Object value) {
    }

    /** The rows that map to one key after a re-key, by their old keys; the first one is the view's row. */
    record Candidates(NavigableMap<Bytes, Object> rows) {
        static final Candidates EMPTY = new Candidates(Collections.emptyNavigableMap());

        Candidates with(Tagged row) {
            TreeMap<Bytes, Object> copy = new TreeMap<>(rows);
            copy.put(row.sourceKey(), row.value());
            return new Candidates(copy);
        }

        Candidates without(Tagged row) {
            TreeMap<Bytes, Object> copy = new TreeMap<>(rows);
            copy.remove(row.sourceKey());
            return new Candidates(copy);
        }

        Object first() {
            return rows.isEmpty() ? null : rows.firstEntry().getValue();
        }
    }

    static Serde<Counted> countedSerde(Serde<Object> valueSerde) {
        Serializer<Object> values = valueSerde.serializer();
        Deserializer<Object> valuesIn = valueSerde.deserializer();
        Serializer<Counted> serializer = (topic, counted) -> {
            if (counted == null) {
                return null;
            }
            byte[] value = counted.value() == null ? null : values.serialize(topic, counted.value());
            ByteBuffer out = ByteBuffer.allocate(8 + 4 + (value == null ? 0 : value.length));
            out.putLong(counted.count()).putInt(value == null ? -1 : value.length);
            if (value != null) {
                out.put(value);
            }
            return out.array();
        };
        Deserializer<Counted> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            long count = in.getLong();
            byte[] value = readBlock(in);
            return new Counted(count, value == null ? null : valuesIn.deserialize(topic, value));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static Serde<Tagged> taggedSerde(Serde<Object> valueSerde) {
        Serializer<Object> values = valueSerde.serializer();
        Deserializer<Object> valuesIn = valueSerde.deserializer();
        Serializer<Tagged> serializer = (topic, tagged) -> {
            if (tagged == null) {
                return null;
            }
            byte[] key = tagged.sourceKey().get();
            byte[] value = values.serialize(topic, tagged.value());
            return ByteBuffer.allocate(8 + key.length + value.length)
                    .putInt(key.length).put(key).putInt(value.length).put(value).array();
        };
        Deserializer<Tagged> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            Bytes key = Bytes.wrap(readBlock(in));
            return new Tagged(key, valuesIn.deserialize(topic, readBlock(in)));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static Serde<Candidates> candidatesSerde(Serde<Object> valueSerde) {
        Serde<Tagged> tagged = taggedSerde(valueSerde);
        Serializer<Candidates> serializer = (topic, candidates) -> {
            if (candidates == null) {
                return null;
            }
            byte[][] rows = candidates.rows().entrySet().stream()
                    .map(e -> tagged.serializer().serialize(topic, new Tagged(e.getKey(), e.getValue())))
                    .toArray(byte[][]::new);
            int size = 4;
            for (byte[] row : rows) {
                size += 4 + row.length;
            }
            ByteBuffer out = ByteBuffer.allocate(size).putInt(rows.length);
            for (byte[] row : rows) {
                out.putInt(row.length).put(row);
            }
            return out.array();
        };
        Deserializer<Candidates> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int n = in.getInt();
            TreeMap<Bytes, Object> rows = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                Tagged row = tagged.deserializer().deserialize(topic, readBlock(in));
                rows.put(row.sourceKey(), row.value());
            }
            return new Candidates(rows);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static byte[] readBlock(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] block = new byte[length];
        in.get(block);
        return block;
    }
}
