package dev.unbundled.internal.compile;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * How far the topology has processed each partition it reads, input topics and internal (repartition)
 * topics alike: the offset after the last record every child of the partition's source node has handled,
 * and the wall-clock time of the last record of each topic. The compiler hangs a {@link #tracker() tracker}
 * after every source; the dead-letter handler reports the records that could not even be read. Waiters
 * are woken only when there are any, so a topology nobody waits on pays one volatile read per record.
 */
public final class Positions {
    private final Map<TopicPartition, AtomicLong> next = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastUpdate = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();

    /**
     * Records that a record was handled, whether it reached a view or went to a dead-letter topic.
     *
     * @param topic the record's topic
     * @param partition its partition
     * @param offset its offset
     * @param wallClockMs when it was handled
     */
    public void handled(String topic, int partition, long offset, long wallClockMs) {
        advance(slot(new TopicPartition(topic, partition)), clock(topic), offset, wallClockMs);
    }

    private void advance(AtomicLong slot, AtomicLong clock, long offset, long wallClockMs) {
        slot.accumulateAndGet(offset + 1, Math::max);
        clock.accumulateAndGet(wallClockMs, Math::max);
        if (waiters.get() > 0) {
            lock.lock();
            try {
                advanced.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private AtomicLong slot(TopicPartition partition) {
        return next.computeIfAbsent(partition, p -> new AtomicLong(-1));
    }

    private AtomicLong clock(String topic) {
        return lastUpdate.computeIfAbsent(topic, t -> new AtomicLong(Long.MIN_VALUE));
    }

    /**
     * @param partition an input partition
     * @return the offset of the next record to process there, or -1 if none was processed since start
     */
    public long next(TopicPartition partition) {
        AtomicLong slot = next.get(partition);
        return slot == null ? -1 : slot.get();
    }

    /** @return every partition a record was processed from since start, with its next offset */
    public Map<TopicPartition, Long> snapshot() {
        Map<TopicPartition, Long> copy = new HashMap<>();
        next.forEach((partition, slot) -> copy.put(partition, slot.get()));
        return copy;
    }

    /**
     * @param topics input topics
     * @return when a record of one of them was last processed, if ever
     */
    public OptionalLong lastUpdate(Collection<String> topics) {
        long latest = Long.MIN_VALUE;
        for (String topic : topics) {
            AtomicLong clock = lastUpdate.get(topic);
            if (clock != null) {
                latest = Math.max(latest, clock.get());
            }
        }
        return latest == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(latest);
    }

    /**
     * Waits until a condition on the positions holds, re-checking it each time a record is processed.
     *
     * @param done the condition; cheap, it runs under a lock the stream threads take to wake waiters
     * @param timeoutNanos how long to wait at most
     * @return whether the condition holds
     * @throws InterruptedException if the thread is interrupted
     */
    public boolean await(BooleanSupplier done, long timeoutNanos) throws InterruptedException {
        // registered before the check: a record processed after the check then finds a waiter to wake
        waiters.incrementAndGet();
        lock.lock();
        try {
            long left = timeoutNanos;
            while (!done.getAsBoolean()) {
                if (left <= 0) {
                    return false;
                }
                left = advanced.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }

    /** @return a processor to hang as the last child of a source node, input or internal */
    public ProcessorSupplier<Object, Object, Void, Void> tracker() {
        return Tracker::new;
    }

    /**
     * Runs after the source's other children, so the record has been applied when it moves the position.
     * A source reads one topic; the tracker learns which from its first record.
     */
    private final class Tracker implements Processor<Object, Object, Void, Void> {
        private final Map<Integer, AtomicLong> slots = new HashMap<>();
        private String topic;
        private AtomicLong clock;
        private ProcessorContext<Void, Void> context;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
        }

        @Override
        public void process(Record<Object, Object> record) {
            context.recordMetadata().ifPresent(metadata -> {
                if (topic == null) {
                    topic = metadata.topic();
                    clock = clock(topic);
                }
                AtomicLong slot = slots.computeIfAbsent(metadata.partition(),
                        partition -> slot(new TopicPartition(topic, partition)));
                advance(slot, clock, metadata.offset(), context.currentSystemTimeMs());
            });
        }
    }

    @Override
    public String toString() {
        return "Positions" + snapshot();
    }

}
