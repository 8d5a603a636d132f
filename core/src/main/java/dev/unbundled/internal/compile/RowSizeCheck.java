package dev.unbundled.internal.compile;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A store's value serializer that refuses a row too large for the store's changelog. A view can make a row
 * larger than any of its inputs (a join, a mapper); the store serialises a row before it takes it, and writes
 * the row to its changelog only after, so a row refused here is in neither: the record that led to it
 * becomes a dead letter of the view, and the key keeps the row it had. Without the check, the store would
 * hold a row its changelog lacks, and lose it at the next restore.
 */
final class RowSizeCheck implements Serializer<Object> {
    private final String store;
    private final Serializer<Object> delegate;
    private final int rowBytes;

    private RowSizeCheck(String store, Serializer<Object> delegate, int rowBytes) {
        this.store = store;
        this.delegate = delegate;
        this.rowBytes = rowBytes;
    }

    /** @return the serde, its serializer refusing a value of more than {@code rowBytes} bytes */
    static Serde<Object> values(String store, Serde<Object> serde, int rowBytes) {
        return Serdes.serdeFrom(new RowSizeCheck(store, serde.serializer(), rowBytes), serde.deserializer());
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        return check(topic, delegate.serialize(topic, data));
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Object data) {
        return check(topic, delegate.serialize(topic, headers, data));
    }

    /**
     * Checks what the store writes, which it names after its changelog; Kafka Streams also serialises a
     * table's values for other ends (a foreign-key join hashes them), which write nothing of that size.
     */
    private byte[] check(String topic, byte[] bytes) {
        if (bytes != null && bytes.length > rowBytes && topic != null && topic.endsWith("-changelog")) {
            // no views named: the router finds the view from the failed processor's name
            throw new UnusableRecordException(List.of(), String.format("row too large: the row takes %,d bytes,"
                    + " over the %,d bytes store '%s' can write to its changelog (the producer's max.request.size less"
                    + " room for framing); the row is left out of the view, and its key keeps the row it had. Raise"
                    + " max.request.size (and the topics' max.message.bytes) or keep rows smaller",
                    bytes.length, rowBytes, store));
        }
        return bytes;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
