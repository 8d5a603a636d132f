package dev.unbundled.internal.compile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The checks a restored record of a source table passes ({@link TopicRestores}): the deserializers the table's
 * source reads its records with, checks included ({@link InputCheck}), and the key serializer its store writes
 * with.
 *
 * @param keys the topic's key deserializer, with the checks in front
 * @param values the topic's value deserializer, with the checks in front
 * @param keyWriter the key serializer the store's keys are written with
 * @param restores what the records left out go to
 */
record RestoreChecks(Deserializer<Object> keys, Deserializer<Object> values, Serializer<Object> keyWriter,
                     TopicRestores restores) {
    /** The fewest records of a restore batch worth checking on more than one thread. */
    static final int PARALLEL_BATCH = 2_000;

    /**
     * @param records a restore batch, values timestamped or not as the store holds them
     * @param timestamped whether each value starts with the 8 bytes of its timestamp
     * @return the records the source would have taken, keys as the store writes them; null values for
     *     records whose value reads as null, which the source takes as deletes
     */
    List<ConsumerRecord<byte[], byte[]>> filter(Collection<ConsumerRecord<byte[], byte[]>> records,
                                                boolean timestamped) {
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>(records.size());
        List<ConsumerRecord<byte[], byte[]>> checked = checkAll(records, timestamped);
        // a restore batch comes from one changelog partition: note where each partition's records end
        Map<TopicPartition, Long> last = new HashMap<>();
        ConsumerRecord<byte[], byte[]> previous = null;
        int i = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ConsumerRecord<byte[], byte[]> taken = checked.get(i++);
            if (taken != null) {
                kept.add(taken);
            }
            if (previous != null && (previous.partition() != record.partition()
                    || !previous.topic().equals(record.topic()))) {
                last.put(new TopicPartition(previous.topic(), previous.partition()), previous.offset());
            }
            previous = record;
        }
        if (previous != null) {
            last.put(new TopicPartition(previous.topic(), previous.partition()), previous.offset());
        }
        TopicRestores.Unread unread = restores.unread();
        last.forEach(unread::restored);
        return kept;
    }

    /**
     * Checks a batch's records in order; a large batch on the common fork-join pool as well as this thread,
     * as deserialising every record is most of a restore's work. A record's key and value are read on one
     * thread, as the checks need ({@link InputCheck}).
     *
     * @return each record as the store takes it, or null where it is left out, in the batch's order
     */
    private List<ConsumerRecord<byte[], byte[]>> checkAll(Collection<ConsumerRecord<byte[], byte[]>> records,
                                                          boolean timestamped) {
        List<ConsumerRecord<byte[], byte[]>> in = records instanceof List<ConsumerRecord<byte[], byte[]>> list
                ? list : new ArrayList<>(records);
        if (in.size() < PARALLEL_BATCH) {
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(in.size());
            in.forEach(record -> out.add(check(record, timestamped)));
            return out;
        }
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(Collections.nCopies(in.size(), null));
        IntStream.range(0, in.size()).parallel().forEach(index -> out.set(index, check(in.get(index), timestamped)));
        return out;
    }

    private ConsumerRecord<byte[], byte[]> check(ConsumerRecord<byte[], byte[]> record, boolean timestamped) {
        byte[] stored = record.value();
        byte[] value = stored == null || !timestamped ? stored : Arrays.copyOfRange(stored, Long.BYTES, stored.length);
        Object key;
        Object read;
        try {
            key = keys.deserialize(record.topic(), record.headers(), record.key());
            read = value == null ? null : values.deserialize(record.topic(), record.headers(), value);
        } catch (RuntimeException e) {
            restores.unread().refused(record, value, e);
            return null;
        }
        if (key == null) {
            return null;   // the source drops a key that reads as null, with a warning of Kafka Streams
        }
        byte[] written = keyWriter.serialize(record.topic(), key);
        boolean sameKey = Arrays.equals(written, record.key());
        if (sameKey && (read != null || stored == null)) {
            return record;
        }
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.timestampType(), written.length, read == null ? 0 : record.serializedValueSize(),
                written, read == null ? null : stored, record.headers(), record.leaderEpoch());
    }
}
