package dev.unbundled.internal.run;

import dev.unbundled.ViewStatus;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * What the runtime's stores have restored: in total since start, and, for the partitions being restored
 * now, how much they have loaded of what they have to load. Kafka Streams calls it from its restoring
 * threads; status reads it from any thread.
 */
final class RestoreProgress implements StateRestoreListener {
    /** What each store partition being restored has loaded and has to load, by store name and partition. */
    private final Map<String, Map<TopicPartition, Restore>> restoring = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> restored = new ConcurrentHashMap<>();
    /** Hears of each changelog partition whose restore has loaded everything up to where its task resumes. */
    private final Consumer<TopicPartition> ended;

    /** @param ended hears of each changelog partition whose restore has loaded everything */
    RestoreProgress(Consumer<TopicPartition> ended) {
        this.ended = ended;
    }

    /** One store partition's restore: how many records it has to load, and has loaded. */
    private static final class Restore {
        final long total;
        final LongAdder loaded = new LongAdder();

        Restore(long total) {
            this.total = total;
        }
    }

    /** @return the records the chosen stores have restored since start */
    long restoredRecords(Predicate<String> stores) {
        long sum = 0;
        for (Map.Entry<String, LongAdder> entry : restored.entrySet()) {
            if (stores.test(entry.getKey())) {
                sum += entry.getValue().sum();
            }
        }
        return sum;
    }

    /**
     * @return what the chosen stores being restored now have loaded and have to load, summed over their
     *     partitions; empty if none is being restored
     */
    Optional<ViewStatus.Restoring> restoring(Predicate<String> stores) {
        long loaded = 0;
        long total = 0;
        boolean any = false;
        for (Map.Entry<String, Map<TopicPartition, Restore>> store : restoring.entrySet()) {
            if (!stores.test(store.getKey())) {
                continue;
            }
            for (Restore restore : store.getValue().values()) {
                any = true;
                total += restore.total;
                loaded += Math.min(restore.total, restore.loaded.sum());
            }
        }
        return any ? Optional.of(new ViewStatus.Restoring(loaded, total)) : Optional.empty();
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
        // Kafka Streams also starts, and at once ends, restores of changelog partitions with nothing to load
        if (end > start) {
            restoring.computeIfAbsent(store, s -> new ConcurrentHashMap<>()).put(partition, new Restore(end - start));
        }
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long count) {
        restored.computeIfAbsent(store, s -> new LongAdder()).add(count);
        Restore restore = restoring.getOrDefault(store, Map.of()).get(partition);
        if (restore != null) {
            restore.loaded.add(count);
        }
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        done(store, partition);
        ended.accept(partition);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        done(store, partition);
    }

    private void done(String store, TopicPartition partition) {
        Map<TopicPartition, Restore> partitions = restoring.get(store);
        if (partitions != null) {
            partitions.remove(partition);
        }
    }
}
