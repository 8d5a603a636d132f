package dev.unbundled;

import dev.unbundled.internal.DefinitionImpl;
import dev.unbundled.internal.StreamsRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
     * Kafka Streams' metrics of this runtime: its clients, tasks and stores (RocksDB's block-cache usage
     * among them), ready to bind to a metrics library.
     *
     * @return the metrics, by name
     */
    Map<MetricName, ? extends Metric> metrics();

    /** @return how many records went to each view's dead-letter topic since start, by view name */
    Map<String, Long> deadLetters();

    /**
     * @param definition a view
     * @return the name of the view's dead-letter topic: {@code <application-id>.<view>.dlq}
     * @throws NullPointerException if the definition is null
     */
    String deadLetterTopic(ViewDefinition<?, ?> definition);

    /**
     * Stops the views and leaves the consumer group, so that other instances take over this one's
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

        Builder() {
        }

        /**
         * Sets the Kafka Streams application id: the consumer group, and the prefix of every internal
         * topic. Instances of the same service share it.
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
         * Compiles the views and starts running them. Reads may be refused with
         * {@link ViewNotReadyException} until each view is ready; see {@link ReadOnlyView#awaitReady}.
         *
         * @return the running runtime; close it
         * @throws IllegalStateException if the application id, the bootstrap servers or every view is missing
         * @throws ViewException if an input topic does not exist or the cluster cannot be reached
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
            List<DefinitionImpl<?, ?>> definitions = new ArrayList<>();
            views.forEach(view -> definitions.add((DefinitionImpl<?, ?>) view));
            return StreamsRuntime.start(applicationId, bootstrapServers,
                    stateDir != null ? stateDir : Path.of(".unbundled-state"),
                    defaultStore != null ? defaultStore : ViewStore.inMemory(), definitions, properties);
        }

        private static void requireUnset(String setting, Object current) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set to " + current);
            }
        }
    }
}
