package dev.unbundled;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * A snapshot of a view's state, as answered by {@link ReadOnlyView#status()}: its state, how much it
 * restored, and how far behind its input topics it is.
 *
 * <pre>{@code
 * ViewStatus status = view.status();
 * if (!status.isReady() || status.totalLag() > 1_000) {
 *     return serviceUnavailable(status.toString());   // UNREACHABLE too: the lag is unknown then
 * }
 * metrics.gauge("view.lag", status.totalLag());
 * }</pre>
 *
 * @param view the name of the view
 * @param state the view's state
 * @param restoredRecords how many records were restored into the view's stores from Kafka since the
 *     runtime started: all of its changelogs for an in-memory or ephemeral view, little or nothing for
 *     a durable one that resumed from its local state
 * @param lag for each input partition this instance processes, the end offset minus the offset
 *     processed (records not yet in the view); empty while the instance has no partitions or the end
 *     offsets cannot be read (in state {@link State#UNREACHABLE}, the lag is unknown: not 0 but empty).
 *     Processed means gone through the view's source: for a view with a
 *     repartition step (a foreign-key join, a re-key, an aggregation) records still crossing its internal
 *     topics are not counted ({@link ReadOnlyView#awaitReady} waits for them)
 * @param totalLag the sum of {@code lag}
 * @param lastUpdate when this instance last applied a record of the view's input topics, if ever
 * @param restoring while the view's stores are being restored ({@link State#RESTORING}), how far that
 *     has come; while it is being built from its input topics ({@link State#REBUILDING}), how many input
 *     records it has read of those it must read; empty otherwise
 */
public record ViewStatus(String view, State state, long restoredRecords, Map<TopicPartition, Long> lag,
                         long totalLag, Optional<Instant> lastUpdate, Optional<Restoring> restoring) {

    /** The states a view moves through during its life. */
    public enum State {
        /** The runtime has been created but has not joined its consumer group yet. */
        STARTING,
        /** The view is rebuilding its state from a changelog or its input topics. */
        RESTORING,
        /**
         * The view is new, or its definition changed (a new fingerprint): it is being built from its input
         * topics, on state of its own, and refuses reads until its consumer group has read them up to where
         * they ended when this version first started. {@code restoring()} tells how far it has come.
         */
        REBUILDING,
        /** The view answers reads. */
        READY,
        /** Partitions are being reassigned between instances; reads may be refused. */
        REBALANCING,
        /**
         * The Kafka brokers do not answer this instance (they are down, or the network to them is): the view
         * still answers reads from its local state, which may be behind by an unknown amount, so its lag is
         * unknown (empty, with a {@code totalLag} of 0). It moves on by itself once the brokers answer again.
         */
        UNREACHABLE,
        /** The runtime stopped because of an error; see the logs and restart it. */
        ERROR,
        /** The runtime was closed; the view will not answer again. */
        CLOSED
    }

    /**
     * @param view the name of the view
     * @param state the view's state
     * @param restoredRecords records restored into the view's stores since start
     * @param lag records not yet processed, per input partition
     * @param totalLag the sum of {@code lag}
     * @param lastUpdate when a record was last applied
     * @param restoring how far a restore of the view's stores has come, while there is one
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a lag is negative
     */
    public ViewStatus {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(lastUpdate, "lastUpdate");
        Objects.requireNonNull(restoring, "restoring");
        Map<TopicPartition, Long> sorted = new TreeMap<>((one, other) -> {
            int byTopic = one.topic().compareTo(other.topic());
            return byTopic != 0 ? byTopic : Integer.compare(one.partition(), other.partition());
        });
        lag.forEach((partition, records) -> {
            if (records < 0) {
                throw new IllegalArgumentException("lag of " + partition + " is negative: " + records);
            }
            sorted.put(partition, records);
        });
        lag = Collections.unmodifiableMap(sorted);
    }

    /**
     * A status with no restore under way.
     *
     * @param view the name of the view
     * @param state the view's state
     * @param restoredRecords records restored into the view's stores since start
     * @param lag records not yet processed, per input partition
     * @param totalLag the sum of {@code lag}
     * @param lastUpdate when a record was last applied
     */
    public ViewStatus(String view, State state, long restoredRecords, Map<TopicPartition, Long> lag,
                      long totalLag, Optional<Instant> lastUpdate) {
        this(view, state, restoredRecords, lag, totalLag, lastUpdate, Optional.empty());
    }

    /**
     * A status without lag information.
     *
     * @param view the name of the view
     * @param state the view's state
     * @param restoredRecords records restored into the view's stores since start
     */
    public ViewStatus(String view, State state, long restoredRecords) {
        this(view, state, restoredRecords, Map.of(), 0, Optional.empty());
    }

    /**
     * @return true if the view answers reads and its lag is known: false while it starts, restores or
     *     rebalances, while the brokers cannot be reached ({@link State#UNREACHABLE}, when reads still answer
     *     from local state), and once it failed or was closed
     */
    public boolean isReady() {
        return state == State.READY;
    }

    /**
     * How far a restore of a view's stores has come: the records loaded so far and the records to load in
     * all, over every store partition of the view being restored now.
     *
     * <pre>{@code
     * view.status().restoring().ifPresent(r -> log.info("{} restored", r)); // "412 of 10,000 records"
     * }</pre>
     *
     * @param restored the records loaded so far
     * @param total the records to load, as the changelogs' offsets say (compacted logs may hold fewer)
     */
    public record Restoring(long restored, long total) {
        /**
         * @param restored the records loaded so far
         * @param total the records to load
         * @throws IllegalArgumentException if either is negative
         */
        public Restoring {
            if (restored < 0 || total < 0) {
                throw new IllegalArgumentException("restored and total must not be negative: " + restored
                        + " of " + total);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d of %,d records", restored, total);
        }
    }
}
