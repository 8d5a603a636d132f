package dev.unbundled.testkit;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.ViewStore;
import dev.unbundled.remote.HttpTransport;
import dev.unbundled.remote.Transport;
import dev.unbundled.testkit.internal.KillSwitch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Several instances of one service's views in one test, on an {@link EmbeddedKafka} broker: each instance
 * is a real {@link ViewRuntime} with its own state directory and its own advertised query address, so reads
 * are routed between instances over HTTP as in production. Instances can be stopped (closed gracefully),
 * killed (their stream threads die without committing) and restarted on the same state directory and
 * address; {@link #awaitStable()} waits until the partitions have settled, and the read checks say whether
 * every instance answers what a reference map says, or refuses with {@link ViewNotReadyException}, and never
 * anything else.
 *
 * <pre>{@code
 * try (ViewCluster cluster = ViewCluster.builder(kafka).instances(3).view(SONGS).start()) {
 *     cluster.awaitStable();
 *     cluster.assertEveryInstanceReads(SONGS, expected).assertNoWrongAnswers();
 *
 *     try (ReadHammer<String, Song> reads = cluster.hammer(SONGS, expected).start()) {
 *         cluster.kill(2);
 *         cluster.awaitStable();
 *         cluster.restart(2);
 *         cluster.awaitStable();
 *         reads.report().assertNoWrongAnswers();
 *     }
 * }
 * }</pre>
 *
 * <p>Instances are numbered from 0. Methods that change instances ({@link #stop}, {@link #kill},
 * {@link #restart}, {@link #close}) are meant to be called from the test's thread; reads, checks and
 * {@link #view} are safe from any thread. Keep clusters small (two or three instances, a few thousand
 * records): every instance is a full Kafka Streams client in the test JVM.
 */
public final class ViewCluster implements AutoCloseable {

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final String HOST = "localhost";
    private static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(60);
    /** How long a killed instance is given to touch a record, and die of it, before it is closed anyway. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final String MAIN_CONSUMER_INTERCEPTORS = "main.consumer.interceptor.classes";
    private static final String PRODUCER_INTERCEPTORS = "producer.interceptor.classes";
    /** A killed member stays in the group for the session timeout; the consumer's 45 s would stall each test. */
    private static final Map<String, Object> DEFAULT_PROPERTIES = Map.of(
            "session.timeout.ms", 6_000,
            "heartbeat.interval.ms", 1_500);
    private static final Set<String> RESERVED_PROPERTIES = Set.of(MAIN_CONSUMER_INTERCEPTORS, PRODUCER_INTERCEPTORS,
            "main.consumer." + KillSwitch.TRIGGER_CONFIG, "producer." + KillSwitch.TRIGGER_CONFIG,
            "application.server", "state.dir", "application.id", "bootstrap.servers");

    private final EmbeddedKafka kafka;
    private final String applicationId;
    private final List<ViewDefinition<?, ?>> views;
    private final Map<String, Object> properties;
    private final ViewStore defaultStore;
    private final IntFunction<? extends Transport> transports;
    private final Path stateDir;
    private final boolean ownsStateDir;
    private final List<ClusterInstance> instances = new ArrayList<>();
    private final StableAssignment assignment;
    private boolean closed;

    private ViewCluster(Builder builder, Path stateDir, boolean ownsStateDir) {
        this.kafka = builder.kafka;
        this.applicationId = builder.applicationId != null ? builder.applicationId
                : "view-cluster-" + CLUSTERS.incrementAndGet();
        this.views = List.copyOf(builder.views);
        this.properties = Map.copyOf(builder.properties);
        this.defaultStore = builder.defaultStore;
        this.transports = builder.transports;
        this.stateDir = stateDir;
        this.ownsStateDir = ownsStateDir;
        this.assignment = new StableAssignment(this.views, kafka);
        for (int i = 0; i < builder.instances; i++) {
            instances.add(new ClusterInstance(i, stateDir.resolve("instance-" + i)));
        }
    }

    /**
     * Starts describing a cluster whose instances run on the given broker.
     *
     * <pre>{@code
     * ViewCluster cluster = ViewCluster.builder(kafka).instances(3).view(SONGS).start();
     * }</pre>
     *
     * @param kafka the broker every instance connects to
     * @return a builder
     * @throws NullPointerException if {@code kafka} is null
     */
    public static Builder builder(EmbeddedKafka kafka) {
        return new Builder(Objects.requireNonNull(kafka, "kafka"));
    }

    /**
     * @return the Kafka Streams application id every instance shares: the consumer group, and the prefix of the
     *         internal topics
     */
    public String applicationId() {
        return applicationId;
    }

    /** @return how many instances the cluster has, running or not */
    public int size() {
        return instances.size();
    }

    /**
     * Says whether an instance runs: started, or restarted, and neither stopped nor killed since.
     *
     * <pre>{@code
     * if (!cluster.isRunning(2)) {
     *     cluster.restart(2);
     * }
     * }</pre>
     *
     * @param instance the instance's number, from 0
     * @return true while it runs
     * @throws IndexOutOfBoundsException if there is no such instance
     */
    public boolean isRunning(int instance) {
        return instance(instance).runtime != null;
    }

    /**
     * Returns an instance's runtime, for what the cluster does not wrap (its metrics, dead letters).
     *
     * <pre>{@code
     * Map<MetricName, ? extends Metric> metrics = cluster.runtime(0).metrics();
     * }</pre>
     *
     * @param instance the instance's number, from 0
     * @return its runtime
     * @throws IndexOutOfBoundsException if there is no such instance
     * @throws IllegalStateException if it is stopped or killed
     */
    public ViewRuntime runtime(int instance) {
        ClusterInstance in = instance(instance);
        ViewRuntime runtime = in.runtime;
        if (runtime == null) {
            throw new IllegalStateException("Instance " + instance + " of view cluster '" + applicationId + "' is "
                    + in.down + "; call restart(" + instance + ") to read through it again");
        }
        return runtime;
    }

    /**
     * Reads a view through one instance: its reads are routed to the instances that hold each key, as a service
     * instance's would be.
     *
     * <pre>{@code
     * Optional<Song> song = cluster.view(1, SONGS).get("song-7");
     * }</pre>
     *
     * @param instance   the instance's number, from 0
     * @param definition a view the cluster runs
     * @param <K> the key type
     * @param <V> the value type
     * @return the view at that instance
     * @throws NullPointerException if {@code definition} is null
     * @throws IndexOutOfBoundsException if there is no such instance
     * @throws IllegalStateException if the instance is stopped or killed
     * @throws IllegalArgumentException if the cluster does not run the view
     */
    public <K, V> ReadOnlyView<K, V> view(int instance, ViewDefinition<K, V> definition) {
        Objects.requireNonNull(definition, "definition");
        return runtime(instance).view(definition);
    }

    /**
     * Returns the address an instance advertises to the others, {@code host:port}. It is kept across
     * {@link #restart}, so the others' routing finds the instance where it was.
     *
     * <pre>{@code
     * String answeredBy = cluster.view(0, SONGS).read("song-7").instance();
     * boolean local = answeredBy.equals(cluster.address(0));
     * }</pre>
     *
     * @param instance the instance's number, from 0
     * @return its query address
     * @throws IndexOutOfBoundsException if there is no such instance
     */
    public String address(int instance) {
        return HOST + ":" + instance(instance).port;
    }

    /**
     * @param instance the instance's number, from 0
     * @return the directory the instance keeps its local state in, the same across restarts
     * @throws IndexOutOfBoundsException if there is no such instance
     */
    public Path stateDir(int instance) {
        return instance(instance).stateDir;
    }

    /**
     * Stops an instance gracefully, as a service shut down by its orchestrator: the runtime commits, leaves the
     * consumer group, and the others take over its partitions at once. Stopping a stopped instance does nothing.
     *
     * <pre>{@code
     * cluster.stop(2);
     * cluster.awaitStable(); // instances 0 and 1 hold every partition
     * }</pre>
     *
     * @param instance the instance's number, from 0
     * @throws IndexOutOfBoundsException if there is no such instance
     */
    public void stop(int instance) {
        ViewRuntime runtime = instance(instance).goDown("stopped");
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * Kills an instance: its stream threads die on the next record they consume or send, without committing,
     * as in a crash (at least once, the records since the last commit are processed again; exactly once, the
     * open transaction is aborted and the local state wiped and restored), and the runtime is then closed. As after a crash, the dead instance does not leave the consumer group: its
     * partitions move once the group's session timeout has passed, which the cluster shortens to 6 seconds
     * (see {@link Builder#property}). The kill is in-process: the JVM, its threads other than the stream
     * threads, and its query server's port survive until the close, unlike with {@code kill -9}.
     *
     * <p>An instance with nothing to process is given two seconds to touch a record; if it does not, it had
     * nothing uncommitted, and it is closed as by {@link #stop}. The return value says which happened.
     *
     * <pre>{@code
     * assertThat(cluster.kill(1)).as("instance 1 died mid-work").isTrue();
     * cluster.restart(1);
     * }</pre>
     *
     * @param instance the instance's number, from 0
     * @return true if a stream thread died without committing, false if the instance was idle (or already down)
     * @throws IndexOutOfBoundsException if there is no such instance
     */
    public boolean kill(int instance) {
        ClusterInstance in = instance(instance);
        KillSwitch.Trigger trigger = in.trigger;
        ViewRuntime runtime = in.goDown("killed");
        if (runtime == null) {
            return false;
        }
        trigger.pull();
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        boolean died = false;
        while (!(died = anyViewFailed(runtime)) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        runtime.close();
        return died;
    }

    /**
     * Starts an instance again on its state directory and at its address; a running instance is stopped first.
     * If another process took the address's port meanwhile, the instance advertises a new one.
     *
     * <pre>{@code
     * cluster.kill(1);
     * cluster.restart(1);
     * cluster.awaitStable();
     * }</pre>
     *
     * @param instance the instance's number, from 0
     * @throws IndexOutOfBoundsException if there is no such instance
     * @throws IllegalStateException if the cluster is closed
     * @throws dev.unbundled.ViewException if the runtime fails to start
     */
    public void restart(int instance) {
        requireOpen();
        stop(instance);
        start(instance(instance));
    }

    /**
     * Waits up to 60 seconds until the cluster has settled; see {@link #awaitStable(Duration)}.
     *
     * <pre>{@code
     * cluster.stop(2);
     * cluster.awaitStable();
     * }</pre>
     *
     * @throws AssertionError if the cluster has not settled within 60 seconds, describing each instance
     * @throws IllegalStateException if no instance runs
     */
    public void awaitStable() {
        awaitStable(DEFAULT_PATIENCE);
    }

    /**
     * Waits until the cluster has settled: every running instance answers {@link ViewStatus.State#READY} for
     * every view; the input partitions each instance processes, as its {@link ReadOnlyView#status()} reports
     * them, together cover every input partition of every view once; every instance can reach a holder of every
     * partition of every view (a routed {@link ReadOnlyView#page(int)} from each succeeds); every instance has
     * caught up with the input as it was when the wait began ({@link ReadOnlyView#awaitReady}); and the
     * ownership has not moved meanwhile.
     *
     * <pre>{@code
     * cluster.restart(1);
     * cluster.awaitStable(Duration.ofSeconds(30));
     * }</pre>
     *
     * @param timeout how long to wait at most
     * @throws NullPointerException if {@code timeout} is null
     * @throws AssertionError if the cluster has not settled in time, describing each instance
     * @throws IllegalStateException if no instance runs
     */
    public void awaitStable(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        requireOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        String unsettled = "";
        while (true) {
            List<ClusterInstance> running = running();
            if (running.isEmpty()) {
                throw new IllegalStateException("No instance of view cluster '" + applicationId
                        + "' runs; restart(instance) one before waiting for the cluster to settle");
            }
            List<Integer> generations = generations();
            Map<Integer, Map<String, Set<TopicPartition>>> ownership = new TreeMap<>();
            unsettled = assignment.settled(running, ownership);
            if (unsettled == null) {
                unsettled = assignment.caughtUp(running, deadline);
                if (unsettled == null) {
                    Map<Integer, Map<String, Set<TopicPartition>>> after = new TreeMap<>();
                    unsettled = assignment.settled(running, after);
                    if (unsettled == null && after.equals(ownership) && generations.equals(generations())) {
                        return;
                    }
                    if (unsettled == null) {
                        unsettled = "partitions moved while the instances caught up: " + ownership + " -> " + after;
                    }
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("View cluster '" + applicationId + "' did not settle within "
                        + timeout.toMillis() + " ms: " + unsettled + "\n" + assignment.describe(instances));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Reads every key of {@code expected} and scans the whole view through every running instance, and checks
     * that each read answers exactly what {@code expected} says, or throws {@link ViewNotReadyException}: the
     * answers a view may give at any time, while partitions move too. The reference is the view's whole
     * content, so use it while the inputs do not change and once the views have caught up with them
     * ({@link #awaitStable()}).
     *
     * <pre>{@code
     * cluster.awaitStable();
     * ReadReport report = cluster.assertEveryInstanceReads(SONGS, expected);
     * assertThat(report.notReady()).isZero();
     * }</pre>
     *
     * @param definition a view the cluster runs
     * @param expected   what the view holds: every key and its value
     * @param <K> the key type
     * @param <V> the value type
     * @return how the reads ended, for more checks (how many were refused)
     * @throws NullPointerException if an argument is null
     * @throws AssertionError if a read answered anything else, naming the instance, the key and both values
     * @throws IllegalStateException if no instance runs
     */
    public <K, V> ReadReport assertEveryInstanceReads(ViewDefinition<K, V> definition, Map<K, V> expected) {
        return checkEveryInstance(definition, expected).assertNoWrongAnswers();
    }

    /**
     * Waits up to 60 seconds until every running instance answers every read as {@code expected} says; see
     * {@link #awaitEveryInstanceReads(ViewDefinition, Map, Duration)}.
     *
     * <pre>{@code
     * cluster.awaitEveryInstanceReads(SONGS, expected);
     * }</pre>
     *
     * @param definition a view the cluster runs
     * @param expected   what the view holds once it has caught up: every key and its value
     * @param <K> the key type
     * @param <V> the value type
     * @throws NullPointerException if an argument is null
     * @throws AssertionError if some instance still answers otherwise after 60 seconds
     */
    public <K, V> void awaitEveryInstanceReads(ViewDefinition<K, V> definition, Map<K, V> expected) {
        awaitEveryInstanceReads(definition, expected, DEFAULT_PATIENCE);
    }

    /**
     * Waits until every running instance answers every key of {@code expected}, and a scan of the whole view,
     * exactly as {@code expected} says, with no read refused: the views have converged on the reference, for
     * example after the inputs stopped changing and instances were killed and restarted. While waiting, any
     * answer is allowed (a view that is behind answers old values).
     *
     * <pre>{@code
     * producer.flush();
     * cluster.awaitEveryInstanceReads(SONGS, expected, Duration.ofSeconds(30));
     * }</pre>
     *
     * @param definition a view the cluster runs
     * @param expected   what the view holds once it has caught up: every key and its value
     * @param timeout    how long to wait at most
     * @param <K> the key type
     * @param <V> the value type
     * @throws NullPointerException if an argument is null
     * @throws AssertionError if some instance still answers otherwise when the time is up, with the last
     *                        answers that differed
     * @throws IllegalStateException if no instance runs
     */
    public <K, V> void awaitEveryInstanceReads(ViewDefinition<K, V> definition, Map<K, V> expected,
                                               Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ReadReport report = checkEveryInstance(definition, expected);
            if (report.matching() == report.reads()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("The instances of view cluster '" + applicationId + "' did not all read '"
                        + definition.name() + "' as the reference within " + timeout.toMillis() + " ms; last check: "
                        + report + (report.wrongAnswers().isEmpty() ? ""
                        : "\n  " + String.join("\n  ", report.wrongAnswers())));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Starts describing reads that run in the background, round and round every key of {@code expected}, while
     * the test moves partitions (stops, kills, restarts, adds load); the {@link ReadHammer} counts the answers
     * that were neither the reference nor {@link ViewNotReadyException}.
     *
     * <pre>{@code
     * try (ReadHammer<String, Song> reads = cluster.hammer(SONGS, expected).through(0).start()) {
     *     cluster.stop(2);
     *     cluster.awaitStable();
     *     reads.awaitMoreReads(500);
     * }
     * }</pre>
     *
     * @param definition a view the cluster runs
     * @param expected   what the view holds throughout: every key and its value
     * @param <K> the key type
     * @param <V> the value type
     * @return a builder of the background reads
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code expected} is empty
     */
    public <K, V> ReadHammer.Builder<K, V> hammer(ViewDefinition<K, V> definition, Map<K, V> expected) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(expected, "expected");
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("The reference of view '" + definition.name() + "' is empty: give"
                    + " the keys to read and their values");
        }
        return new ReadHammer.Builder<>(this, definition, Map.copyOf(expected));
    }

    /**
     * Closes every running instance (at once, so that none waits for a rebalance the others' departure starts)
     * and deletes the state directories, if the cluster created them. Calling it again does nothing.
     *
     * <pre>{@code
     * cluster.close();
     * }</pre>
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<Thread> closing = new ArrayList<>();
        for (ClusterInstance in : instances) {
            ViewRuntime runtime = in.goDown("closed");
            if (runtime != null) {
                Thread thread = new Thread(runtime::close, "view-cluster-close-" + in.index);
                thread.start();
                closing.add(thread);
            }
        }
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assignment.close();
        if (ownsStateDir) {
            try {
                Utils.delete(stateDir.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete the state of view cluster '" + applicationId + "'", e);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ViewCluster[" + applicationId);
        for (ClusterInstance in : instances) {
            text.append(", ").append(in.index).append(in.runtime != null ? " running" : " " + in.down);
        }
        return text.append(']').toString();
    }


    /** @return the generation of an instance: it changes whenever the instance goes down or comes up */
    int generation(int instance) {
        return instance(instance).generation.get();
    }

    ReadReport checkEveryInstance(ViewDefinition<?, ?> definition, Map<?, ?> expected) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(expected, "expected");
        List<ClusterInstance> running = running();
        if (running.isEmpty()) {
            throw new IllegalStateException("No instance of view cluster '" + applicationId
                    + "' runs; restart(instance) one before checking its reads");
        }
        ReadTally tally = new ReadTally();
        for (ClusterInstance in : running) {
            check(tally, in, definition, expected);
        }
        return tally.report();
    }

    @SuppressWarnings("unchecked")
    private <K, V> void check(ReadTally tally, ClusterInstance in, ViewDefinition<K, V> definition, Map<?, ?> expected) {
        Map<K, V> reference = (Map<K, V>) expected;
        int generation = in.generation.get();
        ReadOnlyView<K, V> view;
        try {
            view = view(in.index, definition);
        } catch (IllegalStateException wentDown) {
            return;
        }
        String name = "instance " + in.index + " (" + address(in.index) + ")";
        BooleanSupplier stillUp = () -> in.generation.get() == generation;
        for (K key : reference.keySet()) {
            tally.get(name, view, key, reference, stillUp);
        }
        tally.all(name, view, reference, stillUp);
    }


    private ViewCluster startAll() {
        try {
            for (ClusterInstance in : instances) {
                start(in);
            }
            return this;
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void start(ClusterInstance in) {
        KillSwitch.Trigger trigger = new KillSwitch.Trigger("Instance " + in.index + " of view cluster '"
                + applicationId + "'");
        ViewRuntime runtime;
        try {
            runtime = startRuntime(in, in.port, trigger);
        } catch (RuntimeException e) {
            if (in.port == 0 || !causedByBind(e)) {
                throw e;
            }
            // another process took the port while the instance was down: a new address is the lesser evil
            runtime = startRuntime(in, 0, trigger);
        }
        in.port = Integer.parseInt(runtime.queryAddress().orElseThrow().substring(HOST.length() + 1));
        in.comeUp(runtime, trigger);
    }

    private ViewRuntime startRuntime(ClusterInstance in, int port, KillSwitch.Trigger trigger) {
        ViewRuntime.Builder builder = ViewRuntime.builder()
                .applicationId(applicationId)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(in.stateDir)
                .advertise(HOST, port)
                .transport(Objects.requireNonNull(transports.apply(in.index), "transport of instance " + in.index));
        if (defaultStore != null) {
            builder.defaultStore(defaultStore);
        }
        properties.forEach(builder::property);
        DEFAULT_PROPERTIES.forEach((key, value) -> {
            if (!properties.containsKey(key)) {
                builder.property(key, value);
            }
        });
        builder.property(MAIN_CONSUMER_INTERCEPTORS, KillSwitch.class.getName())
                .property("main.consumer." + KillSwitch.TRIGGER_CONFIG, trigger)
                .property(PRODUCER_INTERCEPTORS, KillSwitch.class.getName())
                .property("producer." + KillSwitch.TRIGGER_CONFIG, trigger);
        views.forEach(builder::view);
        return builder.start();
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private boolean anyViewFailed(ViewRuntime runtime) {
        for (ViewDefinition<?, ?> view : views) {
            if (runtime.view(view).status().state() == ViewStatus.State.ERROR) {
                return true;
            }
        }
        return false;
    }


    private ClusterInstance instance(int instance) {
        if (instance < 0 || instance >= instances.size()) {
            throw new IndexOutOfBoundsException("View cluster '" + applicationId + "' has instances 0 to "
                    + (instances.size() - 1) + ", not " + instance);
        }
        return instances.get(instance);
    }

    private List<Integer> generations() {
        return instances.stream().map(in -> in.generation.get()).toList();
    }

    private List<ClusterInstance> running() {
        List<ClusterInstance> running = new ArrayList<>();
        for (ClusterInstance in : instances) {
            if (in.runtime != null) {
                running.add(in);
            }
        }
        return running;
    }

    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException("View cluster '" + applicationId + "' is closed; build a new one");
        }
    }

    /**
     * Describes and starts a {@link ViewCluster}. Each setting may be given once; {@link #view} once per view.
     *
     * <pre>{@code
     * ViewCluster cluster = ViewCluster.builder(kafka)
     *         .applicationId("top-songs")
     *         .instances(3)
     *         .view(TOP_FIVE)
     *         .property(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
     *         .start();
     * }</pre>
     */
    public static final class Builder {
        private final EmbeddedKafka kafka;
        private String applicationId;
        private int instances;
        private final List<ViewDefinition<?, ?>> views = new ArrayList<>();
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private ViewStore defaultStore;
        private Path stateDir;
        private IntFunction<? extends Transport> transports;

        private Builder(EmbeddedKafka kafka) {
            this.kafka = kafka;
        }

        /**
         * Sets the application id the instances share. Defaults to a new {@code view-cluster-<n>} for each
         * cluster, so that clusters on one broker never share state.
         *
         * @param applicationId the Kafka Streams application id
         * @return this builder
         * @throws NullPointerException if {@code applicationId} is null
         * @throws IllegalStateException if already set
         */
        public Builder applicationId(String applicationId) {
            Objects.requireNonNull(applicationId, "applicationId");
            requireUnset("applicationId", this.applicationId);
            this.applicationId = applicationId;
            return this;
        }

        /**
         * Sets how many instances run. Defaults to 2.
         *
         * @param instances the number of instances, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code instances} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder instances(int instances) {
            if (instances < 1) {
                throw new IllegalArgumentException("A view cluster needs at least 1 instance, not " + instances);
            }
            requireUnset("instances", this.instances == 0 ? null : this.instances);
            this.instances = instances;
            return this;
        }

        /**
         * Adds a view every instance runs.
         *
         * @param definition the view
         * @return this builder
         * @throws NullPointerException if {@code definition} is null
         * @throws IllegalArgumentException if a view of the same name was added already
         */
        public Builder view(ViewDefinition<?, ?> definition) {
            Objects.requireNonNull(definition, "definition");
            for (ViewDefinition<?, ?> known : views) {
                if (known.name().equals(definition.name())) {
                    throw new IllegalArgumentException("View '" + definition.name() + "' was already added to the"
                            + " cluster; add each view once");
                }
            }
            views.add(definition);
            return this;
        }

        /**
         * Sets a Kafka Streams or client property on every instance, as {@link ViewRuntime.Builder#property}
         * does, such as {@code num.standby.replicas}. The application id, bootstrap servers, state directory,
         * advertised address and the interceptors {@link ViewCluster#kill} uses belong to the cluster. Unless
         * set here, {@code session.timeout.ms} is 6000 (the broker's least) and {@code heartbeat.interval.ms}
         * 1500, so that the group notices a {@linkplain ViewCluster#kill killed} instance within seconds.
         *
         * @param key   the property name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the property belongs to the cluster
         * @throws IllegalStateException if the property was already set
         */
        public Builder property(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (RESERVED_PROPERTIES.contains(key)) {
                throw new IllegalArgumentException("Property " + key + " is set by ViewCluster for each instance;"
                        + " use the builder's own setting, or leave it to the cluster");
            }
            requireUnset(key, properties.get(key));
            properties.put(key, value);
            return this;
        }

        /**
         * Sets where views that do not choose a store keep their rows, on every instance, as
         * {@link ViewRuntime.Builder#defaultStore} does.
         *
         * @param store the store choice
         * @return this builder
         * @throws NullPointerException if {@code store} is null
         * @throws IllegalStateException if already set
         */
        public Builder defaultStore(ViewStore store) {
            Objects.requireNonNull(store, "store");
            requireUnset("defaultStore", this.defaultStore);
            this.defaultStore = store;
            return this;
        }

        /**
         * Sets the directory under which each instance keeps its state, in {@code instance-<n>}. Defaults to a
         * temporary directory that {@link ViewCluster#close()} deletes; a directory given here is left in place.
         *
         * @param stateDir the parent directory
         * @return this builder
         * @throws NullPointerException if {@code stateDir} is null
         * @throws IllegalStateException if already set
         */
        public Builder stateDir(Path stateDir) {
            Objects.requireNonNull(stateDir, "stateDir");
            requireUnset("stateDir", this.stateDir);
            this.stateDir = stateDir;
            return this;
        }

        /**
         * Sets how each instance reads from the others: called with the instance's number each time it starts,
         * for a new transport the instance's runtime then owns and closes. Defaults to
         * {@link HttpTransport#create()}.
         *
         * <pre>{@code
         * .transport(instance -> HttpTransport.builder().bearerToken("s3cret").build())
         * }</pre>
         *
         * @param transports a transport for each instance
         * @return this builder
         * @throws NullPointerException if {@code transports} is null
         * @throws IllegalStateException if already set
         */
        public Builder transport(IntFunction<? extends Transport> transports) {
            Objects.requireNonNull(transports, "transports");
            requireUnset("transport", this.transports);
            this.transports = transports;
            return this;
        }

        /**
         * Starts every instance, one after the other, and returns without waiting for them to settle: call
         * {@link ViewCluster#awaitStable()}.
         *
         * @return the running cluster; close it
         * @throws IllegalStateException if no view was added
         * @throws UncheckedIOException if the temporary state directory cannot be created
         * @throws dev.unbundled.ViewException if an instance fails to start (those started are closed)
         */
        public ViewCluster start() {
            if (views.isEmpty()) {
                throw new IllegalStateException("No view was added to the cluster; call view(definition) for each"
                        + " view to run");
            }
            if (instances == 0) {
                instances = 2;
            }
            if (transports == null) {
                transports = instance -> HttpTransport.create();
            }
            Path directory = stateDir;
            boolean owned = false;
            if (directory == null) {
                try {
                    directory = Files.createTempDirectory("view-cluster-");
                    owned = true;
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not create a state directory for a view cluster", e);
                }
            }
            return new ViewCluster(this, directory, owned).startAll();
        }

        private static void requireUnset(String setting, Object current) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set to " + current);
            }
        }
    }
}
