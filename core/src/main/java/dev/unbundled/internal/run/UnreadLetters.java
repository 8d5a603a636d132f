package dev.unbundled.internal.run;

import dev.unbundled.internal.compile.TopicRestores;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of records no source read. A new view whose one store is its topic's table loads it as a
 * restore, straight from the topic ({@link Rebuild}), so the checks of that restore are the first to meet a
 * bad record below the offsets the view started from: its letter is written here, with its coordinates, and
 * counted. Which partitions still owe letters is kept with the version's target, in the metadata of the target
 * group's offsets, and cleared once a restore of the partition has passed the target: a later restore (a
 * restart) writes none again. A crash before that writes some letters twice, never none.
 */
final class UnreadLetters implements TopicRestores.Unread {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadLetters.class);
    /** The metadata of a target partition whose unread records' letters are not all written yet. */
    static final String OWED = "unread records not dead-lettered yet";

    private final Admin admin;
    private final String targetGroup;
    /** The partitions that owe letters, and the offset below which their records were not read. */
    private final Map<TopicPartition, Long> owed;
    private final DeadLetterRouter router;
    private final DirectLetters letters;

    UnreadLetters(Admin admin, String targetGroup, Map<TopicPartition, Long> owed, DeadLetterRouter router,
                  DirectLetters letters) {
        this.admin = admin;
        this.targetGroup = targetGroup;
        this.owed = new ConcurrentHashMap<>(owed);
        this.router = router;
        this.letters = letters;
    }

    @Override
    public void refused(ConsumerRecord<byte[], byte[]> record, byte[] value, RuntimeException why) {
        Long below = owed.get(new TopicPartition(record.topic(), record.partition()));
        if (below != null && record.offset() < below) {
            router.deadLetters(null, record.topic(), record.partition(), record.offset(), record.key(), value, why)
                    .forEach(letters::send);
        }
    }

    @Override
    public void restored(TopicPartition partition, long offset) {
        Long below = owed.get(partition);
        if (below != null && offset + 1 >= below) {
            settle(partition, below);
        }
    }

    @Override
    public void ended(TopicPartition partition) {
        Long below = owed.get(partition);
        if (below != null) {
            settle(partition, below);
        }
    }

    private void settle(TopicPartition partition, long below) {
        if (!owed.remove(partition, below)) {
            return;
        }
        letters.flush();
        admin.alterConsumerGroupOffsets(targetGroup, Map.of(partition, new OffsetAndMetadata(below))).all()
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.debug("Could not note in '{}' that {}'s unread records are dead-lettered; a later restore"
                                + " will write their letters again", targetGroup, partition, failure);
                    }
                });
    }
}
