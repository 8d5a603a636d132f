package dev.unbundled.testkit;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Reads a view in the background, every key of a reference round and round, through the instances of a
 * {@link ViewCluster}, while the test moves partitions between them; counts how the reads ended. A correct
 * view answers each read with the reference's value or throws {@link ViewNotReadyException}; anything else is
 * a wrong answer, which {@link ReadReport#assertNoWrongAnswers()} reports. A read through an instance that
 * went down while it ran is not counted.
 *
 * <pre>{@code
 * ReadHammer<String, Song> reads = cluster.hammer(SONGS, expected).start();
 * try (reads) {
 *     reads.awaitMoreReads(500);
 *     cluster.kill(2);
 *     cluster.awaitStable();
 *     reads.awaitMoreReads(500);
 * }
 * reads.report().assertNoWrongAnswers();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ReadHammer<K, V> implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final ViewCluster cluster;
    private final ViewDefinition<K, V> definition;
    private final Map<K, V> expected;
    private final List<K> keys;
    private final int[] through;
    private final UnaryOperator<ReadOnlyView<K, V>> reader;
    private final ReadTally tally = new ReadTally();
    private final AtomicLong reads = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable crash;

    private ReadHammer(Builder<K, V> builder) {
        this.cluster = builder.cluster;
        this.definition = builder.definition;
        this.expected = builder.expected;
        this.keys = new ArrayList<>(expected.keySet());
        this.through = builder.through;
        this.reader = builder.reader;
        this.thread = new Thread(this::run, "read-hammer-" + definition.name());
        this.thread.setDaemon(true);
    }

    /**
     * @return how many reads were counted so far
     */
    public long reads() {
        return reads.get();
    }

    /**
     * Blocks until {@code more} reads beyond those made so far have been counted, to let a phase of the test
     * run under reads.
     *
     * <pre>{@code
     * cluster.stop(2);
     * reads.awaitMoreReads(500);
     * }</pre>
     *
     * @param more how many more reads to wait for
     * @return this hammer
     * @throws AssertionError if they were not made within 60 seconds (every instance it reads through is down,
     *                        or reads hang)
     * @throws IllegalStateException if the hammer is closed
     */
    public ReadHammer<K, V> awaitMoreReads(long more) {
        long target = reads.get() + more;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (reads.get() < target) {
            if (stopping) {
                throw new IllegalStateException("The reads of '" + definition.name() + "' were stopped" + (crash == null
                        ? "" : " by " + crash));
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Only " + (more - (target - reads.get())) + " of " + more + " more reads of '"
                        + definition.name() + "' were made in " + PATIENCE.toSeconds() + " s; " + cluster);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return this;
    }

    /**
     * Returns how the reads made so far ended; may be called while the hammer runs.
     *
     * <pre>{@code
     * reads.report().assertNoWrongAnswers();
     * }</pre>
     *
     * @return the counts and the first wrong answers
     */
    public ReadReport report() {
        return tally.report();
    }

    /**
     * Stops reading and waits for the read in progress to end. Calling it again does nothing.
     *
     * <pre>{@code
     * reads.close();
     * }</pre>
     */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(PATIENCE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ReadHammer<K, V> begin() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            int next = 0;
            for (long round = 0; !stopping; round++) {
                int instance = through[(int) (round % through.length)];
                int generation = cluster.generation(instance);
                ReadOnlyView<K, V> view;
                try {
                    view = reader.apply(cluster.view(instance, definition));
                } catch (IllegalStateException down) {
                    // the instance is down: read through the others, or wait for one to come back
                    if (allDown()) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                    continue;
                }
                K key = keys.get(next);
                next = (next + 1) % keys.size();
                String name = "instance " + instance + " (" + cluster.address(instance) + ")";
                ReadTally.Outcome outcome =
                        tally.get(name, view, key, expected, () -> cluster.generation(instance) == generation);
                if (outcome != ReadTally.Outcome.VOID) {
                    reads.incrementAndGet();
                }
            }
        } catch (RuntimeException | Error e) {
            crash = e;
            stopping = true;
        }
    }

    private boolean allDown() {
        for (int instance : through) {
            if (cluster.isRunning(instance)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Describes and starts a {@link ReadHammer}; from {@link ViewCluster#hammer}. Each setting may be given once.
     *
     * <pre>{@code
     * ReadHammer<String, Song> reads = cluster.hammer(SONGS, expected)
     *         .through(0)
     *         .reading(view -> view.withStandbyReads(0))
     *         .start();
     * }</pre>
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private final ViewCluster cluster;
        private final ViewDefinition<K, V> definition;
        private final Map<K, V> expected;
        private int[] through;
        private UnaryOperator<ReadOnlyView<K, V>> reader;

        Builder(ViewCluster cluster, ViewDefinition<K, V> definition, Map<K, V> expected) {
            this.cluster = cluster;
            this.definition = definition;
            this.expected = expected;
        }

        /**
         * Reads through these instances only, in turn. Defaults to every instance of the cluster; instances that
         * are down are skipped.
         *
         * @param instances the instances' numbers
         * @return this builder
         * @throws NullPointerException if {@code instances} is null
         * @throws IllegalArgumentException if none is given
         * @throws IndexOutOfBoundsException if the cluster has no such instance
         * @throws IllegalStateException if already set
         */
        public Builder<K, V> through(int... instances) {
            Objects.requireNonNull(instances, "instances");
            if (through != null) {
                throw new IllegalStateException("through was already set to " + Arrays.toString(through));
            }
            if (instances.length == 0) {
                throw new IllegalArgumentException("Give at least one instance to read through");
            }
            for (int instance : instances) {
                cluster.isRunning(instance);
            }
            this.through = instances.clone();
            return this;
        }

        /**
         * Reads through a view derived from each instance's, for example one that may answer from standbys.
         *
         * <pre>{@code
         * .reading(view -> view.withStandbyReads(0))
         * }</pre>
         *
         * @param reader makes the view to read from an instance's view
         * @return this builder
         * @throws NullPointerException if {@code reader} is null
         * @throws IllegalStateException if already set
         */
        public Builder<K, V> reading(UnaryOperator<ReadOnlyView<K, V>> reader) {
            Objects.requireNonNull(reader, "reader");
            if (this.reader != null) {
                throw new IllegalStateException("reading was already set");
            }
            this.reader = reader;
            return this;
        }

        /**
         * Starts reading on a background thread.
         *
         * @return the running hammer; close it
         */
        public ReadHammer<K, V> start() {
            if (through == null) {
                through = IntStream.range(0, cluster.size()).toArray();
            }
            if (reader == null) {
                reader = UnaryOperator.identity();
            }
            return new ReadHammer<>(this).begin();
        }
    }

    @Override
    public String toString() {
        return "ReadHammer[" + definition.name() + ", " + report() + "]";
    }
}
