package dev.unbundled;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How fresh a read must be: a token for read-your-writes. Built from what the producer answered for
 * the records a service wrote, it makes a read wait until the view has processed them.
 *
 * <pre>{@code
 * RecordMetadata sent = producer.send(new ProducerRecord<>("orders", "o-1", order)).get();
 * Optional<OrderNote> note = notes.get("o-1", Freshness.after(sent));   // sees the write, or times out
 * }</pre>
 *
 * <p>Immutable; tokens combine with {@link #and(Freshness)}. A view counts a position as processed once
 * the record at that offset has gone through the view's source (or to its dead-letter topic) and, for a
 * view with a foreign-key join, a re-key or an aggregation, once what it led to has crossed the view's
 * internal topics too: the wait flushes the stream threads' producers and follows the records hop by
 * hop, so such a read costs a few milliseconds more than one of a view read straight from a topic.
 */
public final class Freshness {
    private static final Freshness ANY = new Freshness(Map.of());

    private final Map<TopicPartition, Long> offsets;

    private Freshness(Map<TopicPartition, Long> offsets) {
        this.offsets = offsets;
    }

    /** @return no requirement: a read answers from the view as it is */
    public static Freshness any() {
        return ANY;
    }

    /**
     * @param sent what the producer answered for the records a read must see
     * @return a token that requires each of them to have been processed
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a record has no offset (it was sent with {@code acks=0})
     */
    public static Freshness after(RecordMetadata... sent) {
        Objects.requireNonNull(sent, "sent");
        Map<TopicPartition, Long> offsets = new TreeMap<>(Freshness::compare);
        for (RecordMetadata metadata : sent) {
            Objects.requireNonNull(metadata, "sent record metadata");
            if (!metadata.hasOffset()) {
                throw new IllegalArgumentException("The record sent to " + metadata.topic() + "-"
                        + metadata.partition() + " has no offset (acks=0?); send with acks=1 or all to read your writes");
            }
            offsets.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(), Math::max);
        }
        return new Freshness(Collections.unmodifiableMap(offsets));
    }

    /**
     * @param topic the topic written to
     * @param partition the partition written to
     * @param offset the offset of the record a read must see
     * @return a token that requires that record to have been processed
     * @throws NullPointerException if the topic is null
     * @throws IllegalArgumentException if the partition or offset is negative
     */
    public static Freshness after(String topic, int partition, long offset) {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative, got " + topic + "-"
                    + partition + "@" + offset);
        }
        Map<TopicPartition, Long> offsets = new TreeMap<>(Freshness::compare);
        offsets.put(new TopicPartition(topic, partition), offset);
        return new Freshness(Collections.unmodifiableMap(offsets));
    }

    /**
     * @param other another token
     * @return a token requiring what both require
     * @throws NullPointerException if the other token is null
     */
    public Freshness and(Freshness other) {
        Objects.requireNonNull(other, "other");
        Map<TopicPartition, Long> offsets = new TreeMap<>(Freshness::compare);
        offsets.putAll(this.offsets);
        other.offsets.forEach((partition, offset) -> offsets.merge(partition, offset, Math::max));
        return new Freshness(Collections.unmodifiableMap(offsets));
    }

    /** @return the offset each partition must have processed, inclusive; empty for {@link #any()} */
    public Map<TopicPartition, Long> offsets() {
        return offsets;
    }

    /** @return true if this token asks for nothing */
    public boolean isAny() {
        return offsets.isEmpty();
    }

    private static int compare(TopicPartition one, TopicPartition other) {
        int byTopic = one.topic().compareTo(other.topic());
        return byTopic != 0 ? byTopic : Integer.compare(one.partition(), other.partition());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Freshness that && offsets.equals(that.offsets);
    }

    @Override
    public int hashCode() {
        return offsets.hashCode();
    }

    @Override
    public String toString() {
        return isAny() ? "Freshness.any()" : "Freshness.after" + offsets;
    }
}
