package dev.unbundled.internal;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.ViewStore;
import dev.unbundled.ViewStatus.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ViewRuntime}: compiled views running in one {@link KafkaStreams} instance. */
public final class StreamsRuntime implements ViewRuntime, ViewHost {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRuntime.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String applicationId;
    private final CompiledViews views;
    private final DeadLetterRouter deadLetters;
    private final KafkaStreams streams;
    /** Kafka Streams cannot send dead letters from its global thread; this producer does. Null without global views. */
    private final KafkaProducer<byte[], byte[]> globalDeadLetters;
    private final Map<String, ReadOnlyView<?, ?>> readers = new ConcurrentHashMap<>();
    private final Map<String, ReadOnlyKeyValueStore<Object, Object>> stores = new ConcurrentHashMap<>();
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> restored = new ConcurrentHashMap<>();
    private final StoreRouting routing;
    private volatile boolean closed;
    private volatile Throwable failure;

    private StreamsRuntime(String applicationId, CompiledViews views, StoreRouting routing,
                           DeadLetterRouter deadLetters, KafkaStreams streams,
                           KafkaProducer<byte[], byte[]> globalDeadLetters) {
        this.routing = routing;
        this.globalDeadLetters = globalDeadLetters;
        this.applicationId = applicationId;
        this.views = views;
        this.deadLetters = deadLetters;
        this.streams = streams;
    }

    /**
     * Compiles and starts views.
     *
     * @param applicationId the application id
     * @param bootstrapServers the cluster
     * @param stateDir where local state lives
     * @param defaultStore the store of views that choose none
     * @param definitions the views
     * @param overrides the user's own Streams properties
     * @return the started runtime
     */
    public static StreamsRuntime start(String applicationId, String bootstrapServers, Path stateDir, ViewStore defaultStore,
                                       List<DefinitionImpl<?, ?>> definitions, Map<String, Object> overrides) {
        StoreRouting routing = new StoreRouting(defaultStore, definitions);
        Properties config = StreamsDefaults.tunables();
        config.putAll(routing.streamsConfig());
        config.putAll(overrides);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        config.put(StreamsDefaults.RUNTIME_ID, applicationId + "-" + UUID.randomUUID());
        config.putAll(StreamsDefaults.topologyConfig(routing));
        CompiledViews views = Compiler.compile(definitions, config);
        KafkaProducer<byte[], byte[]> globalDeadLetters = views.globalTopics().isEmpty() ? null
                : new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        DeadLetterRouter deadLetters = new DeadLetterRouter(applicationId, views,
                globalDeadLetters == null ? letter -> { } : globalDeadLetters::send);
        config.putAll(StreamsDefaults.streamsConfig(applicationId, deadLetters, routing));
        prepareTopics(bootstrapServers, views, deadLetters);
        LocalState.wipeEphemeral(stateDir.resolve(applicationId), views, routing);

        KafkaStreams streams = new KafkaStreams(views.topology(), config);
        StreamsRuntime runtime = new StreamsRuntime(applicationId, views, routing, deadLetters, streams, globalDeadLetters);
        streams.setStateListener((now, before) -> LOG.debug("Runtime '{}' went from {} to {}", applicationId, before, now));
        streams.setUncaughtExceptionHandler(runtime::onFailure);
        streams.setGlobalStateRestoreListener(runtime.restoreListener());
        streams.start();
        return runtime;
    }

    private static void prepareTopics(String bootstrapServers, CompiledViews views, DeadLetterRouter deadLetters) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            views.viewsByTopic().forEach((topic, readers) -> {
                if (!existing.contains(topic)) {
                    throw new ViewException(readers.get(0), "View '" + readers.get(0) + "' reads topic '" + topic
                            + "', which does not exist on " + bootstrapServers + "; create it first");
                }
            });
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : deadLetters.topics()) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            String view = views.definitions().keySet().iterator().next();
            throw new ViewException(view, "Could not reach Kafka at " + bootstrapServers + " to check the topics of "
                    + views.definitions().keySet() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViewException(views.definitions().keySet().iterator().next(), "Interrupted while starting", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> ReadOnlyView<K, V> view(ViewDefinition<K, V> definition) {
        Objects.requireNonNull(definition, "definition");
        requireOpen(definition.name());
        DefinitionImpl<Object, Object> known = views.definition(definition.name(),
                "runtime; register it with builder.view(definition) before start()");
        return (ReadOnlyView<K, V>) readers.computeIfAbsent(known.name(),
                name -> new StoreView<>(name, this, known.keySerde().serializer()));
    }

    @Override
    public Map<String, Long> deadLetters() {
        return deadLetters.counts();
    }

    @Override
    public String deadLetterTopic(ViewDefinition<?, ?> definition) {
        Objects.requireNonNull(definition, "definition");
        return deadLetters.topicOf(definition.name());
    }

    @Override
    public ReadOnlyKeyValueStore<Object, Object> store(String view) {
        requireOpen(view);
        ReadOnlyKeyValueStore<Object, Object> store = stores.get(view);
        if (store != null) {
            return store;
        }
        try {
            store = streams.store(StoreQueryParameters.fromNameAndType(views.storeNames().get(view),
                    QueryableStoreTypes.keyValueStore()));
        } catch (StreamsException e) {
            throw notReady(view, e);
        }
        stores.put(view, store);
        return store;
    }

    @Override
    public ViewStatus status(String view) {
        long restoredRecords = restoredRecords(view);
        if (closed) {
            return new ViewStatus(view, State.CLOSED, restoredRecords);
        }
        State state = switch (streams.state()) {
            case CREATED -> State.STARTING;
            case REBALANCING -> State.REBALANCING;
            case RUNNING -> restoring.contains(views.storeNames().get(view)) ? State.RESTORING : State.READY;
            case PENDING_ERROR, ERROR -> State.ERROR;
            case PENDING_SHUTDOWN, NOT_RUNNING -> failure != null ? State.ERROR : State.CLOSED;
        };
        return new ViewStatus(view, state, restoredRecords);
    }

    private long restoredRecords(String view) {
        String viewStore = views.storeNames().get(view);
        long sum = 0;
        for (Map.Entry<String, LongAdder> entry : restored.entrySet()) {
            if (entry.getKey().equals(viewStore) || view.equals(routing.viewOf(entry.getKey()))) {
                sum += entry.getValue().sum();
            }
        }
        return sum;
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    @Override
    public void awaitReady(String view, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            requireOpen(view);
            ViewStatus status = status(view);
            if (status.state() == State.ERROR) {
                throw notReady(view, null);
            }
            if (status.isReady()) {
                try {
                    store(view).approximateNumEntries();
                    return;
                } catch (ViewNotReadyException | InvalidStateStoreException e) {
                    // the instance is running but this store is not open yet: keep waiting
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ViewNotReadyException(view, status.state(), "View '" + view + "' is still "
                        + status.state() + " after " + timeout + "; " + waitingFor(status.state()), null);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public RuntimeException notReady(String view, RuntimeException cause) {
        if (closed) {
            return closedException(view);
        }
        State state = status(view).state();
        if (state == State.READY) {
            // Kafka Streams runs, but this store is not open on this instance yet (it is being assigned)
            state = State.RESTORING;
        }
        return new ViewNotReadyException(view, state, "View '" + view + "' is " + state + " and cannot answer yet; "
                + waitingFor(state), cause != null ? cause : failure);
    }

    private String waitingFor(State state) {
        return switch (state) {
            case STARTING -> "it is joining the consumer group; call awaitReady(timeout) before reading";
            case RESTORING -> "it is rebuilding its state from Kafka; call awaitReady(timeout) or retry shortly";
            case REBALANCING -> "its partitions are being assigned; retry shortly or call awaitReady(timeout)";
            case ERROR -> "the runtime stopped after an error (" + failure + "); see the log and restart the service";
            case READY, CLOSED -> "retry shortly";
        };
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // leaving the group hands this instance's partitions to the others now, not after the session timeout
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (globalDeadLetters != null) {
            globalDeadLetters.close(Duration.ofSeconds(10));
        }
    }

    @Override
    public String toString() {
        return "ViewRuntime[" + applicationId + ", views=" + views.definitions().keySet() + "]";
    }

    private void requireOpen(String view) {
        if (closed) {
            throw closedException(view);
        }
    }

    private IllegalStateException closedException(String view) {
        return new IllegalStateException("View '" + view + "' belongs to runtime '" + applicationId
                + "', which has been closed; build and start a new ViewRuntime to read it again");
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onFailure(Throwable error) {
        failure = error;
        LOG.error("Runtime '{}' stopped: a stream thread failed", applicationId, error);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private StateRestoreListener restoreListener() {
        return new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
                restoring.add(store);
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long count) {
                restored.computeIfAbsent(store, s -> new LongAdder()).add(count);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                restoring.remove(store);
            }

            @Override
            public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
                restoring.remove(store);
            }
        };
    }
}
