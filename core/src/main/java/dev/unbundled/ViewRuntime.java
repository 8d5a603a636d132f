package dev.unbundled;

import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.run.Advertised;
import dev.unbundled.internal.run.RuntimeSettings;
import dev.unbundled.internal.run.StreamsRuntime;
import dev.unbundled.remote.HttpTransport;
import dev.unbundled.remote.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Runs views inside this service: all registered definitions as one Kafka Streams application, kept
 * up to date as records arrive, read through {@link #view(ViewDefinition)}. Close it to leave the
 * consumer group cleanly; a runtime is not restarted, build a new one.
 *
 * <pre>{@code
 * try (ViewRuntime runtime = ViewRuntime.builder()
 *         .applicationId("warehouse")
 *         .bootstrapServers("localhost:9092")
 *         .view(ORDER_NOTES)
 *         .start()) {
 *     ReadOnlyView<String, OrderNote> notes = runtime.view(ORDER_NOTES);
 *     notes.awaitReady(Duration.ofSeconds(30));
 *     System.out.println(notes.get("o-1"));
 * }
 * }</pre>
 *
 * <p>Records that cannot be deserialised, or on which a function of a view throws, go to the view's
 * dead-letter topic {@code <application-id>.<view>.dlq} with headers that name their source topic,
 * partition, offset, the view and the exception; the view keeps running.
 */
public interface ViewRuntime extends AutoCloseable {

    /** @return a builder for a new runtime */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a view this runtime runs.
     *
     * @param definition a definition registered with {@link Builder#view(ViewDefinition)}, or a global
     *     view one of them looks up
     * @param <K> the key type
     * @param <V> the value type
     * @return the view; cheap to call, the same view each time
     * @throws NullPointerException if the definition is null
     * @throws IllegalArgumentException if this runtime does not run the view
     * @throws IllegalStateException if the runtime has been closed
     */
    <K, V> ReadOnlyView<K, V> view(ViewDefinition<K, V> definition);

    /**
     * The state of every view at once: the runtime-wide answer to "is this service ready?". Never blocks on
     * the broker longer than each view's {@link ReadOnlyView#status()} does.
     *
     * <pre>{@code
     * boolean ready = runtime.status().isReady();
     * }</pre>
     *
     * @return the status of every view this runtime runs, global views they look up included; after
     *     {@link #close()}, each is {@link ViewStatus.State#CLOSED}
     */
    RuntimeStatus status();

    /**
     * Waits until every view answers reads and has caught up with its input topics as they were at the
     * call, as {@link ReadOnlyView#awaitReady(Duration)} does for one view, within one deadline.
     *
     * <pre>{@code
     * runtime.awaitReady(Duration.ofSeconds(60)); // before the service says it is ready
     * }</pre>
     *
     * @param timeout how long to wait at most, for all views together
     * @return this runtime
     * @throws NullPointerException if the timeout is null
     * @throws ViewNotReadyException naming the first view that is not ready in time, its state and what it
     *     waits for
     * @throws IllegalStateException if the runtime has been closed
     */
    ViewRuntime awaitReady(Duration timeout);

    /**
     * Kafka Streams' metrics of this runtime: its clients, tasks and stores (RocksDB's block-cache usage
     * among them), ready to bind to a metrics library.
     *
     * @return the metrics, by name
     */
    Map<MetricName, ? extends Metric> metrics();

    /**
     * @return the address other instances reach this one at, as {@code host:port} (with the port actually
     *         bound when {@link Builder#advertise} was given port 0), or empty if the runtime advertises none
     */
    Optional<String> queryAddress();

    /** @return how many records went to each view's dead-letter topic since start, by view name */
    Map<String, Long> deadLetters();

    /**
     * @return how many updates each view applied to its store since start (an insert, change or delete of a
     *     row each), by view name; global views are not counted
     */
    Map<String, Long> updatesApplied();

    /**
     * @return how many change subscriptions of each view were dropped because their listener did not keep up
     *     (see {@link ReadOnlyView#subscribe(ChangeListener, int)}), by view name
     */
    Map<String, Long> subscriptionsDropped();

    /**
     * @param definition a view
     * @return the name of the view's dead-letter topic: {@code <application-id>.<view>.dlq}
     * @throws NullPointerException if the definition is null
     */
    String deadLetterTopic(ViewDefinition<?, ?> definition);

    /**
     * Lists what earlier versions of this runtime's views left behind in Kafka and in the state directory:
     * each version of a view (each {@link ViewDefinition#fingerprint() fingerprint}) runs under the Kafka
     * Streams application {@code <application id>.<view>.<fingerprint>}, and every such application this
     * runtime does not run is old, views no longer registered included. A runtime's application id must
     * therefore be its own: another runtime's views under the same id would be listed here.
     *
     * <pre>{@code
     * runtime.oldVersions().forEach(old -> log.info("left behind: {}", old));
     * }</pre>
     *
     * @return the old versions, by view and version
     * @throws IllegalStateException if Kafka does not answer within 30 seconds
     */
    List<OldVersion> oldVersions();

    /**
     * Removes what {@link #oldVersions()} lists, except the versions an instance still runs (their consumer
     * group has members): their consumer groups, internal topics and local state directory. Never called by
     * the runtime itself: call it once a redeploy has finished, from one instance.
     *
     * <pre>{@code
     * List<OldVersion> removed = runtime.removeOldVersions();
     * }</pre>
     *
     * @return the versions removed
     * @throws IllegalStateException if Kafka does not answer or refuses a deletion; what was removed before
     *     stays removed
     */
    List<OldVersion> removeOldVersions();

    /**
     * Stops the views and leaves their consumer groups, so that other instances take over this one's
     * partitions at once; waits up to 30 seconds. Idempotent.
     */
    @Override
    void close();

    /**
     * Configures and starts a {@link ViewRuntime}. Each setting may be given once; {@link #view} may be
     * called once per view.
     */
    final class Builder {
        private String applicationId;
        private String bootstrapServers;
        private Path stateDir;
        private ViewStore defaultStore;
        private final List<ViewDefinition<?, ?>> views = new ArrayList<>();
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private String advertisedHost;
        private Integer advertisedPort;
        private Transport transport;
        private Integer missingTopicPartitions;
        private ReadListener readListener;

        Builder() {
        }

        /**
         * Sets the runtime's application id, which instances of the same service share. Each view runs as
         * a Kafka Streams application of its own, {@code <application id>.<view>.<fingerprint>}: that is its
         * consumer group and the prefix of its internal topics, so a changed view starts on state of its own
         * (see {@link ViewDefinition#fingerprint()}). Dead-letter topics are {@code <application id>.<view>.dlq}.
         *
         * @param applicationId the id
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder applicationId(String applicationId) {
            Objects.requireNonNull(applicationId, "applicationId");
            requireUnset("applicationId", this.applicationId);
            this.applicationId = applicationId;
            return this;
        }

        /**
         * @param bootstrapServers the Kafka cluster, as {@code host:port[,host:port...]}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder bootstrapServers(String bootstrapServers) {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            requireUnset("bootstrapServers", this.bootstrapServers);
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /**
         * Sets where local state lives. Defaults to {@code .unbundled-state} in the working directory.
         *
         * @param stateDir the directory
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder stateDir(Path stateDir) {
            Objects.requireNonNull(stateDir, "stateDir");
            requireUnset("stateDir", this.stateDir);
            this.stateDir = stateDir;
            return this;
        }

        /**
         * Sets where views that do not choose a store keep their rows. Defaults to {@link ViewStore#inMemory()}.
         *
         * @param store the store choice
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder defaultStore(ViewStore store) {
            Objects.requireNonNull(store, "store");
            requireUnset("defaultStore", this.defaultStore);
            this.defaultStore = store;
            return this;
        }

        /**
         * Creates the views' input topics that do not exist yet when the runtime starts, with the given
         * partition count and the broker's default replication factor. Off by default: in production,
         * topics are created on purpose, with the partition count the data needs, and a missing one fails the
         * start (a typo in a topic name then says so instead of reading an empty topic). For development and
         * demos.
         *
         * <pre>{@code
         * ViewRuntime.builder().applicationId("dev").bootstrapServers("localhost:9092")
         *         .createMissingTopics(3).view(ORDER_NOTES).start();
         * }</pre>
         *
         * @param partitions the partition count of created topics, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code partitions} is less than 1
         * @throws IllegalStateException if already set
         */
        public Builder createMissingTopics(int partitions) {
            requireUnset("createMissingTopics", this.missingTopicPartitions);
            if (partitions < 1) {
                throw new IllegalArgumentException("createMissingTopics(" + partitions + "): give at least 1 partition");
            }
            this.missingTopicPartitions = partitions;
            return this;
        }

        /**
         * Tells a listener of every read the views answer, with its kind, where it was answered and how long
         * it took: for metrics. Reads are not observed by default, and cost nothing extra then.
         *
         * <pre>{@code
         * ViewRuntime.builder().readListener((view, kind, outcome, nanos) -> timers.record(view, kind, nanos))
         * }</pre>
         *
         * @param listener what hears every read; called on the reading thread, so it must be fast
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder readListener(ReadListener listener) {
            Objects.requireNonNull(listener, "listener");
            requireUnset("readListener", this.readListener);
            this.readListener = listener;
            return this;
        }

        /**
         * Adds a view to run.
         *
         * @param definition the view
         * @return this builder
         * @throws IllegalArgumentException if a view of the same name was added already
         */
        public Builder view(ViewDefinition<?, ?> definition) {
            Objects.requireNonNull(definition, "definition");
            for (ViewDefinition<?, ?> known : views) {
                if (known.name().equals(definition.name())) {
                    throw new IllegalArgumentException("View '" + definition.name()
                            + "' was already added; each view is added once, under its own name");
                }
            }
            views.add(definition);
            return this;
        }

        /**
         * Sets a Kafka Streams or client property, such as {@code num.stream.threads} or
         * {@code processing.guarantee}. Unbundled's own settings (error handlers, store defaults) win
         * over the same keys given here.
         *
         * <p>Views run {@code exactly_once_v2} by default: after a crash, nothing is counted twice and no view
         * keeps a row its query no longer has. {@code property("processing.guarantee", "at_least_once")} trades
         * that for lower latency through repartitions (no wait for commits): a crash then replays the records
         * processed since the last commit, so event aggregations count them again and a table view can keep a
         * stale row until its key changes again. The runtime logs that risk when it starts.
         *
         * @param key the property name
         * @param value its value
         * @return this builder
         * @throws IllegalStateException if the property was already set
         */
        public Builder property(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            requireUnset(key, properties.get(key));
            properties.put(key, value);
            return this;
        }

        /**
         * Makes this instance one of several that share the views' partitions: it answers other instances'
         * reads at {@code host:port}, and its views route each read to the instance that holds the key
         * (see {@link ReadOnlyView}). Every instance of the service advertises its own address, reachable by
         * the others; the address is Kafka Streams' {@code application.server}. The query server listens on
         * all interfaces at the port; port 0 picks a free one (see {@link ViewRuntime#queryAddress()}).
         *
         * <pre>{@code
         * ViewRuntime.builder().applicationId("top-songs").bootstrapServers("kafka:9092")
         *         .advertise("10.0.0.7", 7070).view(topFive).start();
         * }</pre>
         *
         * @param host the host name or address other instances reach this one at
         * @param port the port to serve reads on, 0 for any free port
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range or the host is blank
         * @throws IllegalStateException if already set
         */
        public Builder advertise(String host, int port) {
            Objects.requireNonNull(host, "host");
            requireUnset("advertise", this.advertisedHost);
            if (host.isBlank() || port < 0 || port > 65_535) {
                throw new IllegalArgumentException("advertise(\"" + host + "\", " + port + "): give the host other"
                        + " instances reach this one at and a port from 0 to 65535");
            }
            this.advertisedHost = host;
            this.advertisedPort = port;
            return this;
        }

        /**
         * Sets how instances read from each other. Defaults to {@link HttpTransport#create()}; give an
         * {@link HttpTransport} built with a bearer token or an {@code SSLContext}, or another
         * {@link Transport}. Only used with {@link #advertise}; the runtime closes it.
         *
         * @param transport the transport
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder transport(Transport transport) {
            Objects.requireNonNull(transport, "transport");
            requireUnset("transport", this.transport);
            this.transport = transport;
            return this;
        }

        /**
         * Compiles the views and starts running them. Reads may be refused with
         * {@link ViewNotReadyException} until each view is ready; see {@link ReadOnlyView#awaitReady}.
         *
         * @return the running runtime; close it
         * @throws IllegalStateException if the application id, the bootstrap servers or every view is missing
         * @throws ViewException if an input topic does not exist (a topic created a moment ago is looked
         *     for again for up to 5 seconds) and {@link #createMissingTopics(int)} was not set, or the cluster
         *     cannot be reached within 15 seconds (set another bound with
         *     {@code property("unbundled.start.timeout.ms", millis)}); the message names the bootstrap servers
         */
        public ViewRuntime start() {
            if (applicationId == null) {
                throw new IllegalStateException("applicationId is not set; call applicationId(\"my-service\")");
            }
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is not set; call bootstrapServers(\"host:9092\")");
            }
            if (views.isEmpty()) {
                throw new IllegalStateException("no view was added; call view(definition) for each view to run");
            }
            if (transport != null && advertisedHost == null) {
                throw new IllegalStateException("a transport was set but no address is advertised; call"
                        + " advertise(host, port) so that other instances can reach this one");
            }
            List<DefinitionImpl<?, ?>> definitions = new ArrayList<>();
            views.forEach(view -> definitions.add((DefinitionImpl<?, ?>) view));
            Advertised advertised = advertisedHost == null ? null : new Advertised(advertisedHost, advertisedPort,
                    transport != null ? transport : HttpTransport.create());
            return new DefaultViewRuntime(StreamsRuntime.start(new RuntimeSettings(applicationId, bootstrapServers,
                    stateDir != null ? stateDir : Path.of(".unbundled-state"),
                    defaultStore != null ? defaultStore : ViewStore.inMemory(), definitions, Map.copyOf(properties),
                    advertised, missingTopicPartitions != null ? missingTopicPartitions : 0, readListener)));
        }

        private static void requireUnset(String setting, Object current) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set to " + current);
            }
        }
    }
}
