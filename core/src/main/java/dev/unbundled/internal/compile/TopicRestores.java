package dev.unbundled.internal.compile;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * Source tables restore from their input topics, each record checked on the way in. A table read from a
 * topic keeps no changelog of its own (Kafka Streams' {@code reuse.ktable.source.topics}): its topic is its
 * log, so keeping it costs no write per record, and loading it is a restore, in bulk, not record-by-record
 * processing. But a restore copies bytes into the store unread, and a record that went to the dead-letter
 * topic when it arrived would come back as a row nobody can read. So every restored record passes the same
 * checks, with the same deserializers, as a record read by the table's source ({@link InputCheck}): what the
 * source would have refused is left out, and the key is stored as the key serde writes it, as a processed
 * record's is. A row in the store is always a row the source took.
 *
 * <p>A record left out was dead-lettered when the source read it, unless the source never read it: a new
 * view that loads its table straight from the topic (see the runtime's {@code Rebuild}) restores records
 * nobody processed. The runtime says which those are ({@link #deadLetterUnread}); their letters are
 * written here.
 *
 * <p>Example: the compiler wraps a source table's store suppliers.
 * <pre>{@code
 * Materialized<...> table = Materialized.as("products.table").withStoreType(restores.checked(suppliers, check, serde));
 * }</pre>
 */
public final class TopicRestores {
    /** What a restore does with the records it leaves out; by default nothing, as they were dead-lettered. */
    public interface Unread {
        /** Leaves every record out silently: every restored record was read by the source before. */
        Unread NONE = new Unread() {
            @Override
            public void refused(ConsumerRecord<byte[], byte[]> record, byte[] value, RuntimeException why) {
            }

            @Override
            public void restored(TopicPartition partition, long offset) {
            }

            @Override
            public void ended(TopicPartition partition) {
            }
        };

        /**
         * A restored record the table's source would have refused.
         *
         * @param record the record, as restored
         * @param value its value as it is in the topic (without the timestamp the store keeps)
         * @param why what the checks threw
         */
        void refused(ConsumerRecord<byte[], byte[]> record, byte[] value, RuntimeException why);

        /**
         * A restore batch is done.
         *
         * @param partition the topic partition it came from
         * @param offset the offset of its last record
         */
        void restored(TopicPartition partition, long offset);

        /**
         * A restore of a partition has loaded everything up to where the view resumes.
         *
         * @param partition the topic partition
         */
        void ended(TopicPartition partition);
    }

    private volatile Unread unread = Unread.NONE;
    /** The checks of each source table's topic. */
    private final Map<String, RestoreChecks> topics = new ConcurrentHashMap<>();

    /** @return the input topics whose tables use them as their logs, restored from them */
    public Set<String> loggedTopics() {
        return Set.copyOf(topics.keySet());
    }

    /** @return what restores do with the records they leave out */
    Unread unread() {
        return unread;
    }

    /** @param unread what to do with the records restores leave out; the runtime sets it before it starts */
    public void deadLetterUnread(Unread unread) {
        this.unread = Objects.requireNonNull(unread, "unread");
    }

    /**
     * A restore met a record without a key, which Kafka Streams leaves out unseen: in a source table's topic,
     * a record the table's source refused.
     *
     * @param record the record
     */
    public void unkeyed(ConsumerRecord<byte[], byte[]> record) {
        RestoreChecks checks = topics.get(record.topic());
        if (checks == null) {
            return;   // a changelog of Unbundled's own: its rows always have keys
        }
        try {
            checks.keys().deserialize(record.topic(), record.headers(), (byte[]) null);
        } catch (RuntimeException refused) {
            unread.refused(record, record.value(), refused);
        }
    }

    /** @param partition a partition whose restore has loaded everything up to where the view resumes */
    public void ended(TopicPartition partition) {
        unread.ended(partition);
    }

    /**
     * @param suppliers the store choice of a source table
     * @param check the checks on the table's topic
     * @param keys the topic's key serde, which writes the store's keys
     * @param values the topic's value serde
     * @return suppliers whose key-value store restores through the checks
     */
    DslStoreSuppliers checked(DslStoreSuppliers suppliers, InputCheck check, Serde<Object> keys, Serde<Object> values) {
        RestoreChecks checks = new RestoreChecks(check.keys(keys).deserializer(), check.values(values).deserializer(),
                keys.serializer(), this);
        topics.put(check.topic(), checks);
        return new WrappingSuppliers(suppliers, inner -> CheckedRestoreStore.of(inner, checks));
    }

    /**
     * The restore callback a store registers, with the checks in front.
     *
     * @param inner the store's own callback
     * @param checks the checks
     * @param timestamped whether restored values start with their timestamp
     */
    record CheckedCallback(StateRestoreCallback inner, RestoreChecks checks, boolean timestamped)
            implements RecordBatchingStateRestoreCallback {
        @Override
        public void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
            List<ConsumerRecord<byte[], byte[]>> kept = checks.filter(records, timestamped);
            if (inner instanceof RecordBatchingStateRestoreCallback batching) {
                batching.restoreBatch(kept);
            } else if (inner instanceof BatchingStateRestoreCallback batching) {
                batching.restoreAll(kept.stream()
                        .map(record -> org.apache.kafka.streams.KeyValue.pair(record.key(), record.value())).toList());
            } else {
                kept.forEach(record -> inner.restore(record.key(), record.value()));
            }
        }
    }
}
