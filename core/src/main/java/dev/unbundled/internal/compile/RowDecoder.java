package dev.unbundled.internal.compile;

import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How a view's store rows become the view's keys and values: the key and value deserialisers, past the
 * timestamp Kafka Streams puts before every table value, and past the row count of a counted aggregate.
 * One per store, shared by the views that read it (they have the same serdes).
 */
final class RowDecoder {
    private final Serializer<Object> keySerializer;
    private final Deserializer<Object> keys;
    private final Deserializer<Object> values;
    private final boolean counted;
    /** How many bytes of timestamp stored values start with. */
    private final int skip;

    private RowDecoder(Serde<Object> keySerde, Serde<Object> valueSerde, boolean counted) {
        this(keySerde.serializer(), keySerde.deserializer(), valueSerde.deserializer(), counted, Long.BYTES);
    }

    private RowDecoder(Serializer<Object> keySerializer, Deserializer<Object> keys, Deserializer<Object> values,
                       boolean counted, int skip) {
        this.keySerializer = keySerializer;
        this.keys = keys;
        this.values = values;
        this.counted = counted;
        this.skip = skip;
    }

    /**
     * @param timestamped whether the store's values start with a timestamp (Kafka Streams' table format), as
     *     an in-memory store's and a timestamped store's do; a plain store's values are the value alone
     * @return this decoder for such a store
     */
    RowDecoder forStore(boolean timestamped) {
        int bytes = timestamped ? Long.BYTES : 0;
        return bytes == skip ? this : new RowDecoder(keySerializer, keys, values, counted, bytes);
    }

    static RowDecoder of(DefinitionImpl<Object, Object> definition) {
        Serde<Object> values = definition.storesCounted()
                ? OldValues.Decoder.erase(Aggregates.countedSerde(definition.valueSerde())) : definition.valueSerde();
        return new RowDecoder(definition.keySerde(), values, definition.storesCounted());
    }

    /** @return the serialised form of a key, as the store orders it */
    byte[] serialize(Object key) {
        return keySerializer.serialize(null, key);
    }

    /**
     * @param key the row's serialised key
     * @param stored the row's stored bytes: a timestamp if the store keeps them, then the serialised value
     * @return the row decoded
     */
    RowStore.Decoded decode(byte[] key, byte[] stored) {
        Object value = values.deserialize(null, skip == 0 ? stored : Arrays.copyOfRange(stored, skip, stored.length));
        return new RowStore.Decoded(keys.deserialize(null, key), counted ? StoredValues.unwrap(value) : value);
    }
}
