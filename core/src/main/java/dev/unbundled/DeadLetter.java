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
 * @param key the record's key bytes, as read, or null
 * @param value the record's value bytes, as read, or null
 */
public record DeadLetter(String view, String sourceTopic, int sourcePartition, long sourceOffset,
                         String exceptionClass, String exceptionMessage, byte[] key, byte[] value) {
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
    /** Header: the message of the exception. */
    public static final String EXCEPTION_MESSAGE = "unbundled.exception.message";

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
                    header(headers, EXCEPTION_CLASS), header(headers, EXCEPTION_MESSAGE), key, value);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("Not an Unbundled dead letter: the headers lack " + VIEW + ", "
                    + SOURCE_TOPIC + ", " + SOURCE_PARTITION + " or " + SOURCE_OFFSET + " (" + headers + ")", e);
        }
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
        int hash = Objects.hash(view, sourceTopic, sourcePartition, sourceOffset, exceptionClass, exceptionMessage);
        return 31 * (31 * hash + Arrays.hashCode(key)) + Arrays.hashCode(value);
    }

    /** @return where the record came from, why it failed and the sizes of its key and value, not their bytes */
    @Override
    public String toString() {
        return "DeadLetter[view=" + view + ", source=" + sourceTopic + "-" + sourcePartition + "@" + sourceOffset
                + ", " + exceptionClass + ": " + exceptionMessage + ", key=" + size(key) + ", value=" + size(value) + "]";
    }

    private static String size(byte[] bytes) {
        return bytes == null ? "null" : bytes.length + " bytes";
    }
}
