package dev.unbundled.testkit;

import dev.unbundled.Topic;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Pipes records into one topic of a {@link ViewTestKit}: into every view of the kit that reads the topic,
 * each of which runs on a test driver of its own. Each call is processed completely, by every such view,
 * before it returns. Calls chain.
 *
 * <pre>{@code
 * kit.input(PRODUCTS)
 *    .pipe("p-1", new Product("p-1", "Lamp"))
 *    .pipe("p-1", new Product("p-1", "Desk lamp"))
 *    .delete("p-1");
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TestInput<K, V> {
    private final Topic<K, V> topic;
    private final Serializer<K> keys;
    private final Serializer<V> values;
    /** The topic in each test driver whose views read it. */
    private final List<TestInputTopic<byte[], byte[]>> drivers;
    private final RawCheck rawCheck;
    /** The timestamp of records piped without one, the same in every driver. */
    private final Instant created = Instant.now();
    /** Each driver numbers a topic's records from 0, and every driver that reads the topic gets every record. */
    private long nextOffset;

    /** Looks at a raw record before the drivers do. */
    interface RawCheck {
        void check(byte[] key, byte[] value, long offset);
    }

    TestInput(Topic<K, V> topic, List<TestInputTopic<byte[], byte[]>> drivers, RawCheck rawCheck) {
        this.topic = topic;
        this.keys = topic.keySerde().serializer();
        this.values = topic.valueSerde().serializer();
        this.drivers = List.copyOf(drivers);
        this.rawCheck = rawCheck;
    }

    /**
     * Writes a record.
     *
     * @param key the key, not null
     * @param value the value, not null (use {@link #delete} for a delete)
     * @return this input
     * @throws NullPointerException if the key or value is null
     */
    public TestInput<K, V> pipe(K key, V value) {
        return write(requireKey(key), Objects.requireNonNull(value, "value; use delete(key) to delete"), created);
    }

    /**
     * Writes a record with a timestamp.
     *
     * @param key the key, not null
     * @param value the value, not null
     * @param timestamp the record's timestamp
     * @return this input
     * @throws NullPointerException if an argument is null
     */
    public TestInput<K, V> pipe(K key, V value, Instant timestamp) {
        return write(requireKey(key), Objects.requireNonNull(value, "value; use delete(key) to delete"),
                Objects.requireNonNull(timestamp, "timestamp"));
    }

    /**
     * Writes a tombstone: a null value, which deletes the key from a table.
     *
     * @param key the key, not null
     * @return this input
     * @throws NullPointerException if the key is null
     */
    public TestInput<K, V> delete(K key) {
        return write(requireKey(key), null, created);
    }

    /**
     * Writes a tombstone with a timestamp: the key is deleted from a table as of that instant, which a view
     * that keeps history shows as absence from then on.
     *
     * <pre>{@code
     * kit.input(PRODUCTS).pipe("p-1", lamp, Instant.parse("2024-01-01T00:00:00Z"))
     *                    .delete("p-1", Instant.parse("2024-02-01T00:00:00Z"));
     * }</pre>
     *
     * @param key the key, not null
     * @param timestamp the record's timestamp
     * @return this input
     * @throws NullPointerException if an argument is null
     */
    public TestInput<K, V> delete(K key, Instant timestamp) {
        return write(requireKey(key), null, Objects.requireNonNull(timestamp, "timestamp"));
    }

    /**
     * Writes raw bytes, bypassing the topic's serdes: the way to feed a view a record it cannot read.
     *
     * @param key the key bytes, or null
     * @param value the value bytes, or null
     * @return this input
     */
    public TestInput<K, V> pipeRaw(byte[] key, byte[] value) {
        rawCheck.check(key, value, nextOffset);
        return pipeBytes(key, value, new RecordHeaders(), created);
    }

    /** Serialises once, so that every driver reads the same bytes, as every application reads the same log. */
    private TestInput<K, V> write(K key, V value, Instant timestamp) {
        Headers headers = new RecordHeaders();
        byte[] keyBytes = keys.serialize(topic.name(), headers, key);
        byte[] valueBytes = values.serialize(topic.name(), headers, value);
        return pipeBytes(keyBytes, valueBytes, headers, timestamp);
    }

    private TestInput<K, V> pipeBytes(byte[] key, byte[] value, Headers headers, Instant timestamp) {
        for (TestInputTopic<byte[], byte[]> driver : drivers) {
            // a copy each: a driver's processors may add headers to the record they were given
            driver.pipeInput(new TestRecord<>(key, value, new RecordHeaders(headers.toArray()), timestamp));
        }
        nextOffset++;
        return this;
    }

    private K requireKey(K key) {
        return Objects.requireNonNull(key, () -> "key must not be null: topic '" + topic.name()
                + "' is read as keyed records");
    }

    @Override
    public String toString() {
        return "TestInput[" + topic.name() + "]";
    }
}
