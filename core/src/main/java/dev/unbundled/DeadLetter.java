package dev.unbundled;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A record that a view could not use, as found on the view's dead-letter topic
 * {@code <application-id>.<view>.dlq}: the original key and value bytes, where they came from, and why
 * they failed. Reprocess or inspect them with any consumer.
 *
 * <p>A letter always fits its topic: when the key and value together take more than half of what the producer
 * accepts ({@code max.request.size}; at most 512 KiB, as a broker with default settings takes about 1 MiB),
 * the letter keeps their first bytes, {@link #truncated()} is true, and {@link #originalKeySize()} and
 * {@link #originalValueSize()} (headers {@value #ORIGINAL_KEY_SIZE} and {@value #ORIGINAL_VALUE_SIZE}) give
 * the whole sizes; the record itself is still in its source topic, at its offset.
 *
 * <pre>{@code
 * for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
 *     DeadLetter letter = DeadLetter.of(record.headers(), record.key(), record.value());
 *     log.warn("{} lost {}@{}: {}", letter.view(), letter.sourceTopic(), letter.sourceOffset(), letter.exceptionMessage());
 * }
 * }</pre>
 *
 * @param view the view that lost the record
 * @param sourceTopic the topic the record was read from
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param exceptionClass the class of the exception
 * @param exceptionMessage the message of the exception
 * @param key the record's key bytes, as read (cut if the letter had to be), or null
 * @param value the record's value bytes, as read (cut if the letter had to be), or null
 * @param originalKeySize the size in bytes of the record's key before any cut, or -1 for a null key
 * @param originalValueSize the size in bytes of the record's value before any cut, or -1 for a null value
 */
public record DeadLetter(String view, String sourceTopic, int sourcePartition, long sourceOffset,
                         String exceptionClass, String exceptionMessage, byte[] key, byte[] value,
                         int originalKeySize, int originalValueSize) {
    /** Header: the view that lost the record. */
    public static final String VIEW = "unbundled.view";
    /** Header: the topic the record was read from. */
    public static final String SOURCE_TOPIC = "unbundled.source.topic";
    /** Header: the partition the record was read from. */
    public static final String SOURCE_PARTITION = "unbundled.source.partition";
    /** Header: the offset of the record. */
    public static final String SOURCE_OFFSET = "unbundled.source.offset";
    /** Header: the processor that failed. */
    public static final String PROCESSOR = "unbundled.processor";
    /** Header: the class of the exception. */
    public static final String EXCEPTION_CLASS = "unbundled.exception.class";
    /** Header: the message of the exception, its first 4,096 characters. */
    public static final String EXCEPTION_MESSAGE = "unbundled.exception.message";
    /**
     * Header: the size in bytes of the record's key, present only when the letter's key or value was cut to
     * fit the dead-letter topic (the letter's own key is then the first bytes of the original's).
     */
    public static final String ORIGINAL_KEY_SIZE = "unbundled.original.key.size";
    /**
     * Header: the size in bytes of the record's value, present only when the letter's key or value was cut to
     * fit the dead-letter topic (the letter's own value is then the first bytes of the original's).
     */
    public static final String ORIGINAL_VALUE_SIZE = "unbundled.original.value.size";

    /**
     * A letter that holds the record's whole key and value.
     *
     * @param view the view that lost the record
     * @param sourceTopic the topic the record was read from
     * @param sourcePartition its partition
     * @param sourceOffset its offset
     * @param exceptionClass the class of the exception
     * @param exceptionMessage the message of the exception
     * @param key the record's key bytes, or null
     * @param value the record's value bytes, or null
     */
    public DeadLetter(String view, String sourceTopic, int sourcePartition, long sourceOffset, String exceptionClass,
                      String exceptionMessage, byte[] key, byte[] value) {
        this(view, sourceTopic, sourcePartition, sourceOffset, exceptionClass, exceptionMessage, key, value,
                length(key), length(value));
    }

    /**
     * Reads a dead letter from a record of a dead-letter topic.
     *
     * @param headers the record's headers
     * @param key the record's key
     * @param value the record's value
     * @return the dead letter
     * @throws NullPointerException if the headers are null
     * @throws IllegalArgumentException if the headers are not those of an Unbundled dead letter
     */
    public static DeadLetter of(Headers headers, byte[] key, byte[] value) {
        Objects.requireNonNull(headers, "headers");
        try {
            return new DeadLetter(header(headers, VIEW), header(headers, SOURCE_TOPIC),
                    Integer.parseInt(header(headers, SOURCE_PARTITION)), Long.parseLong(header(headers, SOURCE_OFFSET)),
                    header(headers, EXCEPTION_CLASS), header(headers, EXCEPTION_MESSAGE), key, value,
                    originalSize(headers, ORIGINAL_KEY_SIZE, key), originalSize(headers, ORIGINAL_VALUE_SIZE, value));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("Not an Unbundled dead letter: the headers lack " + VIEW + ", "
                    + SOURCE_TOPIC + ", " + SOURCE_PARTITION + " or " + SOURCE_OFFSET + " (" + headers + ")", e);
        }
    }

    private static int originalSize(Headers headers, String name, byte[] bytes) {
        Header header = headers.lastHeader(name);
        if (header == null) {
            return length(bytes);
        }
        return header.value() == null ? -1 : Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static int length(byte[] bytes) {
        return bytes == null ? -1 : bytes.length;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * @return true if the letter's key or value is only the first bytes of the record's, cut to fit the
     *     dead-letter topic; {@link #originalKeySize()} and {@link #originalValueSize()} give the whole sizes
     */
    public boolean truncated() {
        return originalKeySize != length(key) || originalValueSize != length(value);
    }

    /** @return the value bytes as UTF-8 text, handy for JSON payloads; null if there is no value */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * Compares every field, the key and value by their bytes (a record would compare the arrays by identity).
     *
     * @param other the object to compare with
     * @return true if {@code other} is a dead letter with the same fields and the same key and value bytes
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter that
                && sourcePartition == that.sourcePartition
                && sourceOffset == that.sourceOffset
                && originalKeySize == that.originalKeySize
                && originalValueSize == that.originalValueSize
                && Objects.equals(view, that.view)
                && Objects.equals(sourceTopic, that.sourceTopic)
                && Objects.equals(exceptionClass, that.exceptionClass)
                && Objects.equals(exceptionMessage, that.exceptionMessage)
                && Arrays.equals(key, that.key)
                && Arrays.equals(value, that.value);
    }

    /** @return a hash of every field, the key and value by their bytes */
    @Override
    public int hashCode() {
        int hash = Objects.hash(view, sourceTopic, sourcePartition, sourceOffset, exceptionClass, exceptionMessage,
                originalKeySize, originalValueSize);
        return 31 * (31 * hash + Arrays.hashCode(key)) + Arrays.hashCode(value);
    }

    /** @return where the record came from, why it failed and the sizes of its key and value, not their bytes */
    @Override
    public String toString() {
        return "DeadLetter[view=" + view + ", source=" + sourceTopic + "-" + sourcePartition + "@" + sourceOffset
                + ", " + exceptionClass + ": " + exceptionMessage + ", key=" + size(key, originalKeySize)
                + ", value=" + size(value, originalValueSize) + "]";
    }

    private static String size(byte[] bytes, int original) {
        if (bytes == null) {
            return "null";
        }
        return bytes.length == original ? bytes.length + " bytes" : bytes.length + " of " + original + " bytes";
    }
}
