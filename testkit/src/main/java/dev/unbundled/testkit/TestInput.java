package dev.unbundled.testkit;

import dev.unbundled.Topic;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.streams.TestInputTopic;

/**
 * Pipes records into one topic of a {@link ViewTestKit}. Each call is processed completely before it
 * returns. Calls chain.
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
    private final TestInputTopic<K, V> input;
    private final TestInputTopic<byte[], byte[]> raw;
    private final RawCheck rawCheck;
    /** The driver numbers a topic's records from 0, whichever input wrote them. */
    private long nextOffset;

    /** Looks at a raw record before the driver does. */
    interface RawCheck {
        void check(byte[] key, byte[] value, long offset);
    }

    TestInput(Topic<K, V> topic, TestInputTopic<K, V> input, TestInputTopic<byte[], byte[]> raw, RawCheck rawCheck) {
        this.topic = topic;
        this.input = input;
        this.raw = raw;
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
        input.pipeInput(requireKey(key), Objects.requireNonNull(value, "value; use delete(key) to delete"));
        nextOffset++;
        return this;
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
        input.pipeInput(requireKey(key), Objects.requireNonNull(value, "value; use delete(key) to delete"),
                Objects.requireNonNull(timestamp, "timestamp"));
        nextOffset++;
        return this;
    }

    /**
     * Writes a tombstone: a null value, which deletes the key from a table.
     *
     * @param key the key, not null
     * @return this input
     * @throws NullPointerException if the key is null
     */
    public TestInput<K, V> delete(K key) {
        input.pipeInput(requireKey(key), null);
        nextOffset++;
        return this;
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
        input.pipeInput(requireKey(key), null, Objects.requireNonNull(timestamp, "timestamp"));
        nextOffset++;
        return this;
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
        raw.pipeInput(key, value);
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
