package dev.unbundled.internal.run;

import dev.unbundled.DeadLetter;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.Compiler;
import dev.unbundled.internal.compile.StoreRouting;
import dev.unbundled.internal.compile.StreamsDefaults;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled views running in one {@link KafkaStreams} instance: starts them, lists them as {@link RunningView}s
 * and stops them. Everything a view's reads need lives in its {@code RunningView}.
 */
public final class StreamsRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRuntime.class);

    private final Engine engine;
    private final DeadLetterRouter deadLetters;
    /** Kafka Streams cannot send dead letters from its global thread; this producer does. Null without global views. */
    private final KafkaProducer<byte[], byte[]> globalDeadLetters;
    private final Map<String, RunningView<?, ?>> running = new LinkedHashMap<>();

    private StreamsRuntime(Engine engine, DeadLetterRouter deadLetters, KafkaProducer<byte[], byte[]> globalDeadLetters) {
        this.engine = engine;
        this.deadLetters = deadLetters;
        this.globalDeadLetters = globalDeadLetters;
        engine.views.definitions().values().forEach(definition -> running.put(definition.name(),
                new RunningView<>(engine, definition)));
    }

    /**
     * Compiles and starts views.
     *
     * @param settings what the runtime runs, and where
     * @return the started runtime
     */
    public static StreamsRuntime start(RuntimeSettings settings) {
        String applicationId = settings.applicationId();
        StoreRouting routing = new StoreRouting(settings.defaultStore(), settings.definitions());
        Properties config = StreamsDefaults.tunables();
        config.putAll(routing.streamsConfig());
        config.putAll(settings.overrides());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        config.put(StreamsDefaults.RUNTIME_ID, applicationId + "-" + UUID.randomUUID());
        config.putAll(StreamsDefaults.topologyConfig(routing));
        CompiledViews views = Compiler.compile(settings.definitions(), config);
        warnIfNotExactlyOnce(applicationId, config);
        // everything opened here is closed again if a later step fails, so a failed start leaks no port or thread
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            KafkaProducer<byte[], byte[]> globalDeadLetters = globalDeadLetterProducer(settings, views, opened);
            DeadLetterRouter deadLetters = new DeadLetterRouter(applicationId, views, globalDeadLetters == null
                    ? letter -> { } : letter -> sendGlobalDeadLetter(globalDeadLetters, letter));
            config.putAll(DeadLetterHandler.streamsConfig(applicationId, deadLetters, routing));
            Topics.prepare(settings.bootstrapServers(), views, deadLetters, settings.missingTopicPartitions(), config);
            LocalState.wipeEphemeral(settings.stateDir().resolve(applicationId), views, routing);
            LocalQueries queries = new LocalQueries();
            String instance = serve(applicationId, views, settings.advertised(), queries, opened);
            if (settings.advertised() != null) {
                config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, instance);
            }
            FlushableClients clients = new FlushableClients();
            KafkaStreams streams = new KafkaStreams(views.topology(), config, clients);
            opened.add(streams);
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, applicationId + "-unbundled-lag"));
            opened.add(admin);
            Engine engine = new Engine(applicationId, views, routing, streams, clients,
                    new InputOffsets(applicationId, settings.bootstrapServers(), streams, admin, views.positions()),
                    new RestoreProgress(), instance,
                    settings.advertised() == null ? null : settings.advertised().transport(), settings.readListener());
            StreamsRuntime runtime = new StreamsRuntime(engine, deadLetters, globalDeadLetters);
            queries.attach(runtime);
            runtime.run();
            return runtime;
        } catch (RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static void warnIfNotExactlyOnce(String applicationId, Properties config) {
        Object guarantee = config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(String.valueOf(guarantee))) {
            LOG.warn("Runtime '{}' runs processing.guarantee={}: after a crash, records processed since the last"
                    + " commit are processed again, so event aggregations count them twice and a table view can keep"
                    + " a stale row until its key changes again. Remove the property to run exactly_once_v2",
                    applicationId, guarantee);
        }
    }

    /** @return the producer of global views' dead letters, or null if no view is global */
    private static KafkaProducer<byte[], byte[]> globalDeadLetterProducer(RuntimeSettings settings, CompiledViews views,
                                                                         List<AutoCloseable> opened) {
        if (views.globalTopics().isEmpty()) {
            return null;
        }
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        opened.add(producer);
        return producer;
    }

    private void run() {
        KafkaStreams streams = engine.streams;
        streams.setStateListener((now, before) -> LOG.debug("Runtime '{}' went from {} to {}", engine.applicationId,
                before, now));
        streams.setUncaughtExceptionHandler(this::onFailure);
        streams.setGlobalStateRestoreListener(engine.restores);
        streams.start();
    }

    /** @return the address this instance answers other instances' reads at, or {@code "local"} if none */
    private static String serve(String applicationId, CompiledViews views, Advertised advertised, LocalQueries queries,
                                List<AutoCloseable> opened) {
        if (advertised == null) {
            return "local";
        }
        opened.add(advertised.transport());
        try {
            // the advertised address, not every interface: a transport built with bindAddress(...) listens elsewhere
            int port = advertised.transport().serve(new InetSocketAddress(advertised.host(), advertised.port()),
                    queries);
            return advertised.host() + ":" + port;
        } catch (IOException e) {
            throw new ViewException(views.definitions().keySet().iterator().next(), "Runtime '" + applicationId
                    + "' cannot serve reads at " + advertised.host() + ":" + advertised.port() + ": " + e.getMessage()
                    + "; choose a free port, or 0 for any, or listen elsewhere with"
                    + " HttpTransport.builder().bindAddress(\"0.0.0.0\")", e);
        }
    }

    private static void closeAll(List<AutoCloseable> opened, Throwable failure) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception closing) {
                failure.addSuppressed(closing);
            }
        }
    }

    /**
     * Sends a global view's dead letter: Kafka Streams' global thread cannot. A send that fails is logged,
     * so that a dead letter is never lost without a trace.
     */
    private static void sendGlobalDeadLetter(KafkaProducer<byte[], byte[]> producer,
                                             ProducerRecord<byte[], byte[]> letter) {
        producer.send(letter, (metadata, failure) -> {
            if (failure != null) {
                DeadLetter lost = DeadLetter.of(letter.headers(), letter.key(), letter.value());
                LOG.error("View '{}': could not write a dead letter to {}; the record is still at {}-{} offset {}: {}",
                        lost.view(), letter.topic(), lost.sourceTopic(), lost.sourcePartition(), lost.sourceOffset(),
                        failure.toString());
            }
        });
    }

    /**
     * @param definition a view this runtime runs, or a global view one of them looks up
     * @param <K> the key type
     * @param <V> the value type
     * @return the running view
     * @throws IllegalArgumentException if this runtime does not run the view
     * @throws IllegalStateException if the runtime has been closed
     */
    @SuppressWarnings("unchecked")
    public <K, V> RunningView<K, V> view(ViewDefinition<K, V> definition) {
        Objects.requireNonNull(definition, "definition");
        engine.requireOpen(definition.name());
        engine.views.definition(definition.name(), "runtime; register it with builder.view(definition) before start()");
        // the compiler ran this very definition (or one equal to it by name), so its types are the view's
        return (RunningView<K, V>) running.get(definition.name());
    }

    /**
     * @param view a view's name, as another instance's read names it
     * @return the running view, if this runtime runs it
     */
    Optional<RunningView<?, ?>> view(String view) {
        return Optional.ofNullable(running.get(view));
    }

    /** @return every view this runtime runs, in the order they were registered */
    public Collection<RunningView<?, ?>> views() {
        return List.copyOf(running.values());
    }

    /**
     * Waits until every view is ready and caught up, by one deadline.
     *
     * @param timeout how long to wait at most, for all views together
     * @throws dev.unbundled.ViewNotReadyException naming the first view not ready in time
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        running.values().forEach(view -> view.awaitReady(deadline, timeout));
    }

    /** @return Kafka Streams' metrics */
    public Map<MetricName, ? extends Metric> metrics() {
        return engine.streams.metrics();
    }

    /** @return where other instances reach this one, or empty if it advertises nothing */
    public Optional<String> queryAddress() {
        return engine.transport == null ? Optional.empty() : Optional.of(engine.instance);
    }

    /** @return how many records went to each view's dead-letter topic since start, by view name */
    public Map<String, Long> deadLetters() {
        return deadLetters.counts();
    }

    /** @return how many updates each view applied to its store since start, by view name */
    public Map<String, Long> updatesApplied() {
        return engine.views.changes().applied();
    }

    /** @return how many subscriptions of each view were dropped for not keeping up, by view name */
    public Map<String, Long> subscriptionsDropped() {
        return engine.views.changes().dropped();
    }

    /**
     * @param definition a view
     * @return the name of its dead-letter topic
     */
    public String deadLetterTopic(ViewDefinition<?, ?> definition) {
        Objects.requireNonNull(definition, "definition");
        return deadLetters.topicOf(definition.name());
    }

    boolean isClosed() {
        return engine.isClosed();
    }

    /** Stops the views and leaves the consumer group; idempotent. */
    @Override
    public void close() {
        if (engine.isClosed()) {
            return;
        }
        engine.markClosed();
        if (engine.transport != null) {
            engine.transport.close();
        }
        engine.views.changes().closeAll();
        engine.offsets.close();
        // leaving the group hands this instance's partitions to the others now, not after the session timeout
        engine.streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (globalDeadLetters != null) {
            globalDeadLetters.close(Duration.ofSeconds(10));
        }
    }

    @Override
    public String toString() {
        return "ViewRuntime[" + engine.applicationId + ", views=" + running.keySet() + "]";
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onFailure(Throwable error) {
        engine.fail(error);
        LOG.error("Runtime '{}' stopped: a stream thread failed", engine.applicationId, error);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
