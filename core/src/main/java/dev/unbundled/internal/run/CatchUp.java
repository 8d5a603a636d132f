package dev.unbundled.internal.run;

import dev.unbundled.Freshness;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewStatus.State;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The waits of one running view: until it is ready, and until it has applied given input positions
 * (read-your-writes), through every internal topic its records cross on their way to its store.
 */
final class CatchUp {
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * The least time a wait gives Kafka to answer one request, even when its own timeout is shorter or has
     * just run out: a wait of a view that has caught up is not refused because Kafka took a moment.
     */
    private static final long ASK_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Engine engine;
    private final String view;
    private final ViewState state;
    private final Set<String> inputTopics;
    /** The view's internal topics, with the application id prefix. */
    private final Set<String> internalTopics;
    /** Reads the view's store, throwing while it is not open here. */
    private final Runnable storeProbe;

    CatchUp(Engine engine, String view, ViewState state, Set<String> inputTopics, Runnable storeProbe) {
        this.engine = engine;
        this.view = view;
        this.state = state;
        this.inputTopics = inputTopics;
        this.storeProbe = storeProbe;
        this.internalTopics = engine.internalTopics(view);
    }

    void awaitReady(Duration timeout) {
        awaitReady(System.nanoTime() + timeout.toNanos(), timeout);
    }

    /**
     * @param deadline when to give up, by {@link System#nanoTime()}
     * @param timeout the wait asked for, for messages: several views may share one deadline
     */
    void awaitReady(long deadline, Duration timeout) {
        engine.requireOpen(view);
        // the target is the end of the log now: records written while waiting do not move it
        long askBy = atLeastAFloor(deadline);
        Map<TopicPartition, Long> target = answered(askBy, timeout, () -> engine.offsets.endOffsets(view,
                engine.offsets.allPartitions(view, inputTopics, askBy), true, askBy));
        while (!storeAnswers()) {
            if (System.nanoTime() - deadline > 0) {
                State now = state.state();
                throw new ViewNotReadyException(view, now, "View '" + view + "' is still " + now
                        + state.progress(now).map(r -> " (" + r + ")").orElse("")
                        + " after " + text(timeout) + "; " + stillWaiting(now), null);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        awaitApplied(target, deadline, () -> "View '" + view + "' has not caught up with its input topics after "
                + text(timeout) + "; still behind on ", "the end offsets at the call; the service is slower than its input or"
                + " a stream thread is stuck: raise the timeout or num.stream.threads");
    }

    /** @return what a wait that ran out while the view was in a state should tell its caller to do */
    private String stillWaiting(State now) {
        return switch (now) {
            case STARTING -> "it is still joining the consumer group, which takes a few seconds on a first start;"
                    + " wait longer";
            case RESTORING -> "it is still rebuilding its state from Kafka, which takes as long as reading its"
                    + " changelogs; wait longer, and watch status().restoring()";
            case REBUILDING -> "it is still being built from its input topics, which takes as long as reading them"
                    + " through the view; wait longer, and watch status().restoring()";
            case REBALANCING -> "its partitions are still being assigned to the instances of the group; wait longer";
            case READY, UNREACHABLE, ERROR, CLOSED -> state.waitingFor(now);
        };
    }

    /** @return a duration as people write it: {@code 250 ms}, {@code 2 s}, {@code 1.5 s}, {@code 3 min} */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 120_000) {
            return (millis % 1_000 == 0 ? String.valueOf(millis / 1_000)
                    : String.valueOf(Math.round(millis / 100.0) / 10.0)) + " s";
        }
        return (millis % 60_000 == 0 ? String.valueOf(millis / 60_000)
                : String.valueOf(Math.round(millis / 6_000.0) / 10.0)) + " min";
    }

    /** @return the deadline, or a moment from now if that is later */
    private static long atLeastAFloor(long deadline) {
        long floor = System.nanoTime() + ASK_FLOOR_NANOS;
        return deadline - floor < 0 ? floor : deadline;
    }

    /**
     * Asks Kafka until it answers or the deadline passes: a request that fails early, while the brokers are
     * gone, is asked again.
     *
     * @throws ViewNotReadyException in state {@code UNREACHABLE} naming the brokers, once the deadline passed
     */
    private <T> T answered(long deadline, Duration timeout, Supplier<T> ask) {
        while (true) {
            try {
                return ask.get();
            } catch (ViewNotReadyException e) {
                if (e.state() != State.UNREACHABLE) {
                    throw e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ViewNotReadyException(view, State.UNREACHABLE, "View '" + view + "' could not reach"
                            + " Kafka within " + text(timeout) + ": " + state.waitingFor(State.UNREACHABLE), e);
                }
                engine.requireOpen(view);
                LockSupport.parkNanos(Math.min(left, WAIT_SLICE_NANOS));
            }
        }
    }

    /**
     * @return whether the view is ready and its store open here; throws once it failed or was closed. Asks
     *     no broker, so that a wait for a view whose brokers are gone ends on time
     */
    private boolean storeAnswers() {
        engine.requireOpen(view);
        State now = state.state();
        if (now == State.ERROR) {
            throw state.notReady(null);
        }
        if (now != State.READY) {
            return false;
        }
        try {
            storeProbe.run();
            return true;
        } catch (ViewNotReadyException | InvalidStateStoreException e) {
            // the instance is running but this store is not open yet: keep waiting
            return false;
        }
    }

    void awaitFreshness(Freshness freshness, Duration timeout) {
        engine.requireOpen(view);
        engine.views.requireReadsAll(view, freshness);
        requireLocal(freshness);
        Map<TopicPartition, Long> target = new HashMap<>();
        freshness.offsets().forEach((partition, offset) -> target.put(partition, offset + 1));
        if (target.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitApplied(target, deadline, () -> "View '" + view + "' has not processed " + freshness + " after "
                + text(timeout) + "; still lacking ", "the written records; read without the token, or raise the timeout");
    }

    /**
     * Refuses a freshness token that names partitions other instances process: this instance cannot tell
     * how far they are, and waiting for its own partitions only would answer without the writes.
     *
     * @throws ViewNotReadyException naming the partitions and what to do
     */
    void requireLocal(Freshness freshness) {
        InputOffsets.Local assigned = engine.offsets.local();
        if (assigned.partitions().isEmpty() || assigned.alone()) {
            return;
        }
        SortedSet<String> elsewhere = new TreeSet<>();
        freshness.offsets().keySet().forEach(partition -> {
            if (!assigned.partitions().contains(partition)) {
                elsewhere.add(partition.toString());
            }
        });
        if (!elsewhere.isEmpty()) {
            throw new ViewNotReadyException(view, state.state(), "View '" + view + "': the token names "
                    + elsewhere + ", which other instances process; read-your-writes waits only for partitions this"
                    + " instance processes. Send the request to the instance that holds the key (see read(key)"
                    + ".instance()), or read without the token", null);
        }
    }

    /**
     * Waits until the input records up to the target, and everything they led to, are in the view's store.
     * For a view that re-partitions, a processed input record may still be on its way through internal
     * topics (a re-key, a grouping, both legs of a foreign-key join); so, pass after pass: the stream
     * threads' producers are flushed, which lands what the processed records sent on; the internal topics'
     * end offsets then cover it, and become the next target. A pass that finds no new records ends the wait;
     * there are at most as many passes as hops, plus the one that finds nothing.
     */
    private void awaitApplied(Map<TopicPartition, Long> target, long deadline, Supplier<String> what, String fix) {
        awaitPositions(target, deadline, what, fix);
        if (internalTopics.isEmpty()) {
            return;
        }
        Duration timeout = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        long describeBy = atLeastAFloor(deadline);
        Set<TopicPartition> partitions = answered(describeBy, timeout,
                () -> engine.offsets.allPartitions(view, internalTopics, describeBy));
        Map<TopicPartition, Long> previous = Map.of();
        for (int pass = 0; pass <= internalTopics.size(); pass++) {
            long askBy = atLeastAFloor(deadline);
            if (!engine.clients.flush(askBy)) {
                State now = state.state();
                throw new ViewNotReadyException(view, now, what.get() + "the records on their way through its"
                        + " internal topics " + internalTopics + ", which Kafka has not acknowledged"
                        + (now == State.UNREACHABLE ? ": " + state.waitingFor(now) : "; to reach " + fix), null);
            }
            Map<TopicPartition, Long> ends = answered(askBy, timeout,
                    () -> engine.offsets.endOffsets(view, partitions, true, askBy));
            if (ends.equals(previous)) {
                return;
            }
            awaitPositions(ends, deadline, what, fix);
            previous = ends;
        }
    }

    /**
     * Waits until every target partition this instance processes has reached its target offset.
     *
     * @param target the next offset each partition must reach
     * @param what the start of the timeout message
     * @param fix the end of the timeout message
     */
    private void awaitPositions(Map<TopicPartition, Long> target, long deadline, Supplier<String> what, String fix) {
        while (true) {
            engine.requireOpen(view);
            InputOffsets.Local assigned = engine.offsets.local();
            Map<TopicPartition, Long> lacking = engine.offsets.lacking(target, assigned);
            if (lacking.isEmpty()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                State now = state.state();
                throw new ViewNotReadyException(view, now, what.get() + describe(lacking, target, assigned)
                        + "to reach " + (now == State.UNREACHABLE ? "them: " + state.waitingFor(now) : fix),
                        engine.failure());
            }
            if (state.state() == State.ERROR) {
                throw state.notReady(null);
            }
            try {
                // woken by every processed record; the cap re-reads the committed offsets and assignment
                engine.positions.await(() -> engine.offsets.lacking(target, assigned).isEmpty(),
                        Math.min(left, WAIT_SLICE_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ViewNotReadyException(view, state.state(), "Interrupted while waiting for view '" + view
                        + "'", e);
            }
        }
    }

    private static String describe(Map<TopicPartition, Long> lacking, Map<TopicPartition, Long> target,
                                   InputOffsets.Local assigned) {
        StringBuilder message = new StringBuilder();
        lacking.forEach((partition, next) -> message.append(partition).append(" (at offset ").append(next)
                .append(", needs ").append(target.get(partition)).append(", lag ")
                .append(target.get(partition) - next).append(assigned.partitions().contains(partition)
                        ? "" : ", not assigned to this instance").append(") "));
        return message.toString();
    }
}
