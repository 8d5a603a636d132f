package dev.unbundled.internal;

import dev.unbundled.ChangeListener;
import dev.unbundled.DeadLetter;
import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.ViewStatus.State;
import dev.unbundled.ViewStore;
import dev.unbundled.remote.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.InvalidStateStorePartitionException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ViewRuntime}: compiled views running in one {@link KafkaStreams} instance. */
public final class StreamsRuntime implements ViewRuntime, ViewHost {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRuntime.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A topic created a moment ago is known to the controller before the broker a listing asks has
     * caught up; an input topic that is missing is looked for again this long before the start fails.
     */
    private static final Duration NEW_TOPIC_GRACE = Duration.ofSeconds(5);
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String applicationId;
    private final CompiledViews views;
    private final DeadLetterRouter deadLetters;
    private final KafkaStreams streams;
    /** Kafka Streams' clients, for the producers a read-your-writes wait flushes. */
    private final FlushableClients clients;
    /** Kafka Streams cannot send dead letters from its global thread; this producer does. Null without global views. */
    private final KafkaProducer<byte[], byte[]> globalDeadLetters;
    private final Map<String, ReadOnlyView<?, ?>> readers = new ConcurrentHashMap<>();
    private final Map<String, ReadOnlyKeyValueStore<Object, Object>> stores = new ConcurrentHashMap<>();
    private final RestoreProgress restores = new RestoreProgress();
    private final StoreRouting routing;
    private final Positions positions;
    private final InputOffsets offsets;
    private final Map<String, ReadOnlyKeyValueStore<Object, Object>> partitionStores = new ConcurrentHashMap<>();
    private final Advertised advertised;
    private final String instance;
    private final Map<String, Set<String>> storeTopics = new ConcurrentHashMap<>();
    private final Map<String, PointReads> pointReads = new ConcurrentHashMap<>();
    private volatile Cached<Map<String, Map<Integer, LagInfo>>> lags;
    private volatile boolean closed;
    private volatile Throwable failure;

    private StreamsRuntime(String applicationId, CompiledViews views, StoreRouting routing,
                           DeadLetterRouter deadLetters, KafkaStreams streams, FlushableClients clients,
                           KafkaProducer<byte[], byte[]> globalDeadLetters, Admin admin, Advertised advertised,
                           String instance) {
        this.clients = clients;
        this.advertised = advertised;
        this.instance = instance;
        this.routing = routing;
        this.positions = views.positions();
        this.offsets = new InputOffsets(applicationId, streams, admin, positions);
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
     * @param advertised where to answer other instances' reads, or null to answer none
     * @return the started runtime
     */
    public static StreamsRuntime start(String applicationId, String bootstrapServers, Path stateDir, ViewStore defaultStore,
                                       List<DefinitionImpl<?, ?>> definitions, Map<String, Object> overrides,
                                       Advertised advertised) {
        StoreRouting routing = new StoreRouting(defaultStore, definitions);
        Properties config = StreamsDefaults.tunables();
        config.putAll(routing.streamsConfig());
        config.putAll(overrides);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        config.put(StreamsDefaults.RUNTIME_ID, applicationId + "-" + UUID.randomUUID());
        config.putAll(StreamsDefaults.topologyConfig(routing));
        CompiledViews views = Compiler.compile(definitions, config);
        String firstView = views.definitions().keySet().iterator().next();
        // everything opened here is closed again if a later step fails, so a failed start leaks no port or thread
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            KafkaProducer<byte[], byte[]> globalDeadLetters = views.globalTopics().isEmpty() ? null
                    : new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
            if (globalDeadLetters != null) {
                opened.add(globalDeadLetters);
            }
            DeadLetterRouter deadLetters = new DeadLetterRouter(applicationId, views,
                    globalDeadLetters == null ? letter -> { } : letter -> sendGlobalDeadLetter(globalDeadLetters, letter));
            config.putAll(StreamsDefaults.streamsConfig(applicationId, deadLetters, routing));
            prepareTopics(bootstrapServers, views, deadLetters);
            LocalState.wipeEphemeral(stateDir.resolve(applicationId), views, routing);

            String instance = "local";
            LocalQueries queries = new LocalQueries();
            if (advertised != null) {
                opened.add(advertised.transport());
                try {
                    int port = advertised.transport().serve(new InetSocketAddress(advertised.port()), queries);
                    instance = advertised.host() + ":" + port;
                } catch (IOException e) {
                    throw new ViewException(firstView, "Runtime '" + applicationId + "' cannot serve reads on port "
                            + advertised.port() + ": " + e.getMessage() + "; choose a free port, or 0 for any", e);
                }
                config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, instance);
            }
            FlushableClients clients = new FlushableClients();
            KafkaStreams streams = new KafkaStreams(views.topology(), config, clients);
            opened.add(streams);
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, applicationId + "-unbundled-lag"));
            opened.add(admin);
            StreamsRuntime runtime = new StreamsRuntime(applicationId, views, routing, deadLetters, streams, clients,
                    globalDeadLetters, admin, advertised, instance);
            queries.attach(runtime);
            streams.setStateListener((now, before) -> LOG.debug("Runtime '{}' went from {} to {}", applicationId, before, now));
            streams.setUncaughtExceptionHandler(runtime::onFailure);
            streams.setGlobalStateRestoreListener(runtime.restores);
            streams.start();
            return runtime;
        } catch (RuntimeException | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
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

    private static Set<String> listTopics(Admin admin)
            throws ExecutionException, TimeoutException, InterruptedException {
        return admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void prepareTopics(String bootstrapServers, CompiledViews views, DeadLetterRouter deadLetters) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = listTopics(admin);
            long graceEnd = System.nanoTime() + NEW_TOPIC_GRACE.toNanos();
            while (!existing.containsAll(views.viewsByTopic().keySet()) && System.nanoTime() < graceEnd) {
                Thread.sleep(100);
                existing = listTopics(admin);
            }
            for (Map.Entry<String, List<String>> input : views.viewsByTopic().entrySet()) {
                if (!existing.contains(input.getKey())) {
                    String view = input.getValue().get(0);
                    throw new ViewException(view, "View '" + view + "' reads topic '" + input.getKey()
                            + "', which does not exist on " + bootstrapServers + "; create it first");
                }
            }
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
        return (ReadOnlyView<K, V>) readers.computeIfAbsent(known.name(), name -> {
            StoreView<Object, Object> local = localView(name);
            return advertised == null || known.isGlobal() ? local
                    : new RoutedView<>(local, this, known.valueSerde(), -1);
        });
    }

    @SuppressWarnings("unchecked")
    private StoreView<Object, Object> localView(String view) {
        DefinitionImpl<Object, Object> known = views.definition(view, "runtime");
        return new StoreView<>(view, this, known.keySerde());
    }

    @Override
    public Optional<String> queryAddress() {
        return advertised == null ? Optional.empty() : Optional.of(instance);
    }

    @Override
    public String instance() {
        return instance;
    }

    Transport transport() {
        return advertised.transport();
    }

    @Override
    public ReadOnlyKeyValueStore<Object, Object> partitionStore(String view, int partition, boolean standby) {
        requireOpen(view);
        String cached = view + "/" + partition + "/" + standby;
        ReadOnlyKeyValueStore<Object, Object> known = partitionStores.get(cached);
        if (known != null) {
            return known;
        }
        // a remote read names any partition it likes: cache only the view's own, or every number asked stays
        Set<String> topics = storeTopics(view);
        int partitions = partitionCount(view, topics, e -> notReady(view, e));
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("View '" + view + "' has partitions 0 to " + (partitions - 1)
                    + "; partition " + partition + " does not exist. Ask for one Kafka Streams' metadata names");
        }
        return partitionStores.computeIfAbsent(cached, key -> {
            StoreQueryParameters<ReadOnlyKeyValueStore<Object, Object>> query = StoreQueryParameters
                    .fromNameAndType(views.storeNames().get(view), QueryableStoreTypes.<Object, Object>keyValueStore())
                    .withPartition(partition);
            try {
                return views.readable(view, streams.store(standby ? query.enableStaleStores() : query));
            } catch (StreamsException e) {
                throw notReady(view, e);
            }
        });
    }

    /**
     * @return where the key's partition lives, by Kafka Streams' metadata; {@link KeyQueryMetadata#NOT_AVAILABLE}
     *         while the group rebalances
     */
    <K> KeyQueryMetadata keyMetadata(String view, K key, Serializer<K> keys) {
        requireOpen(view);
        try {
            return streams.queryMetadataForKey(views.storeNames().get(view), key, keys);
        } catch (StreamsException | IllegalStateException e) {
            return KeyQueryMetadata.NOT_AVAILABLE;
        }
    }

    /**
     * Refuses a freshness token that names partitions other instances process: this instance cannot tell
     * how far they are, and waiting for its own partitions only would answer without the writes.
     *
     * @throws ViewNotReadyException naming the partitions and what to do
     */
    void requireLocal(String view, Freshness freshness) {
        InputOffsets.Local assigned = offsets.local();
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
            throw new ViewNotReadyException(view, status(view).state(), "View '" + view + "': the token names "
                    + elsewhere + ", which other instances process; read-your-writes waits only for partitions this"
                    + " instance processes. Send the request to the instance that holds the key (see read(key)"
                    + ".instance()), or read without the token", null);
        }
    }

    /**
     * Some partitions of a view, at the instance that answers for them.
     *
     * @param instance the instance, {@code host:port}
     * @param standby whether its copies are standbys
     * @param partitions the partitions
     */
    record Copies(String instance, boolean standby, Set<Integer> partitions) {
    }

    /**
     * Which instance answers for each partition of a view: the one running it active, else (if allowed) one
     * holding a standby.
     *
     * @throws ViewNotReadyException naming the partitions no instance can answer for
     */
    List<Copies> scanPlan(String view, boolean standbys) {
        requireOpen(view);
        String store = views.storeNames().get(view);
        Set<String> topics = storeTopics(view);
        Map<Integer, String> active = new HashMap<>();
        Map<Integer, String> standby = new HashMap<>();
        for (StreamsMetadata host : streams.streamsMetadataForStore(store)) {
            String address = RoutedView.address(host.hostInfo());
            host.topicPartitions().stream().filter(tp -> topics.contains(tp.topic()))
                    .forEach(tp -> active.put(tp.partition(), address));
            if (standbys) {
                host.standbyTopicPartitions().stream().filter(tp -> topics.contains(tp.topic()))
                        .forEach(tp -> standby.putIfAbsent(tp.partition(), address));
            }
        }
        int partitions = partitionCount(view, topics, e -> new ViewNotReadyException(view, status(view).state(),
                "View '" + view + "' cannot be scanned yet: " + e.getMessage()
                        + "; call awaitReady(timeout) or retry shortly", e));
        Map<String, Copies> plan = new TreeMap<>();
        SortedSet<Integer> missing = new TreeSet<>();
        for (int partition = 0; partition < partitions; partition++) {
            String at = active.get(partition);
            boolean isStandby = false;
            if (at == null) {
                at = standby.get(partition);
                isStandby = true;
            }
            if (at == null) {
                missing.add(partition);
                continue;
            }
            plan.computeIfAbsent(at + "/" + isStandby, k -> new Copies(k.substring(0, k.lastIndexOf('/')),
                    k.endsWith("/true"), new TreeSet<>())).partitions().add(partition);
        }
        if (!missing.isEmpty()) {
            throw new ViewNotReadyException(view, status(view).state(), "View '" + view + "': partitions " + missing
                    + " of " + partitions + " have no instance that can answer now (an instance stopped or the group is"
                    + " rebalancing); a scan returns every partition or nothing. Retry shortly"
                    + (standbys ? "" : ", or read withStandbyReads(maxLag) with num.standby.replicas > 0"), null);
        }
        return List.copyOf(plan.values());
    }

    /**
     * The view's partition count; a topic that cannot be described yet (an internal topic the group's
     * leader has not created) means the view is still starting, and {@code stillStarting} says so.
     */
    private int partitionCount(String view, Set<String> topics, Function<ViewException, RuntimeException> stillStarting) {
        try {
            return offsets.partitionCount(view, topics);
        } catch (ViewNotReadyException e) {
            throw e;
        } catch (ViewException e) {
            throw stillStarting.apply(e);
        }
    }

    /** The topics whose partitions are the view's store's partitions: the sources of its sub-topology. */
    private Set<String> storeTopics(String view) {
        return storeTopics.computeIfAbsent(view, v -> {
            String store = views.storeNames().get(v);
            for (TopologyDescription.Subtopology sub : views.topology().describe().subtopologies()) {
                Set<String> sources = new TreeSet<>();
                boolean holds = false;
                for (TopologyDescription.Node node : sub.nodes()) {
                    if (node instanceof TopologyDescription.Source source) {
                        source.topicSet().forEach(topic -> sources.add(
                                topic.endsWith("-repartition") || topic.endsWith("-topic") ? applicationId + "-" + topic : topic));
                    }
                    if (node instanceof TopologyDescription.Processor processor
                            && processor.stores().contains(store)) {
                        holds = true;
                    }
                }
                if (holds) {
                    return Set.copyOf(sources);
                }
            }
            return views.inputTopics(v);
        });
    }

    /** @return how many records the local copy of a view's partition is behind its changelog, read at most every 250 ms */
    long storeLag(String view, int partition) {
        Cached<Map<String, Map<Integer, LagInfo>>> cached = lags;
        if (cached == null || System.nanoTime() - cached.atNanos() > TimeUnit.MILLISECONDS.toNanos(250)) {
            try {
                cached = new Cached<>(streams.allLocalStorePartitionLags(), System.nanoTime());
            } catch (StreamsException e) {
                throw notReady(view, e);
            }
            lags = cached;
        }
        LagInfo lag = cached.value().getOrDefault(views.storeNames().get(view), Map.of())
                .get(partition);
        return lag == null ? Long.MAX_VALUE : lag.offsetLag();
    }

    private record Cached<T>(T value, long atNanos) {
    }

    boolean runs(String view) {
        return views.definitions().containsKey(view);
    }

    DefinitionImpl<Object, Object> definition(String view) {
        return views.definition(view, "runtime");
    }

    boolean isClosed() {
        return closed;
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
            store = views.readable(view, streams.store(StoreQueryParameters.fromNameAndType(views.storeNames().get(view),
                    QueryableStoreTypes.keyValueStore())));
        } catch (StreamsException e) {
            throw notReady(view, e);
        }
        stores.put(view, store);
        return store;
    }

    /**
     * Reads a key from its partition's running store when this instance runs it (see {@link LiveStores}),
     * which costs a hash and a map lookup instead of Kafka Streams' listing of every task; otherwise, for a
     * key not found there, or while that cannot be told, through Kafka Streams' store over every local
     * partition.
     */
    @Override
    public Object get(String view, Object key) {
        requireOpen(view);
        PointReads reads = pointReads.computeIfAbsent(view, this::pointReads);
        if (reads.partitions() > 0) {
            byte[] serialised = reads.keys().serialize(reads.topic(), key);
            int partition = Utils.toPositive(
                    Utils.murmur2(serialised)) % reads.partitions();
            Object value = views.changes().stores().get(view, partition, key);
            if (value != LiveStores.UNKNOWN && value != null) {
                return value;
            }
            // a miss is asked of every local partition: a topic written with another partitioner (or with
            // explicit partitions) has keys where the default partitioner would not put them
        } else if (reads.partitions() == 0 && System.nanoTime() - reads.atNanos() > TimeUnit.SECONDS.toNanos(1)) {
            pointReads.remove(view);
        }
        return store(view).get(key);
    }

    /**
     * @return the key's value in the partition's running store here, or {@link LiveStores#UNKNOWN}
     */
    Object liveGet(String view, int partition, Object key) {
        return views.changes().stores().get(view, partition, key);
    }

    /**
     * How to find a key's partition: Kafka's default partitioner over the key as the view's serde writes it,
     * and the partition count of the topics the view's store is partitioned by, as Kafka Streams' own key
     * lookup does.
     *
     * @param partitions the partition count; 0 while unknown (asked again after a second), -1 for a global view
     */
    private record PointReads(Serializer<Object> keys, String topic,
                              int partitions, long atNanos) {
    }

    private PointReads pointReads(String view) {
        DefinitionImpl<Object, Object> definition = views.definition(view, "runtime");
        if (definition.isGlobal()) {
            return new PointReads(null, null, -1, System.nanoTime());
        }
        Set<String> topics = storeTopics(view);
        int partitions;
        try {
            partitions = offsets.partitionCount(view, topics);
        } catch (ViewException e) {
            partitions = 0;
        }
        return new PointReads(definition.keySerde().serializer(), topics.iterator().next(), partitions,
                System.nanoTime());
    }

    @Override
    public List<ReadOnlyKeyValueStore<Object, Object>> partitionStores(String view) {
        requireOpen(view);
        String storeName = views.storeNames().get(view);
        if (views.definition(view, "runtime").isGlobal()) {
            return List.of(store(view));
        }
        // the running tasks' stores, as their change taps registered them: no listing of every task per scan
        List<ReadOnlyKeyValueStore<Object, Object>> running = views.changes().stores().running(view);
        if (!running.isEmpty()) {
            return running;
        }
        SortedSet<Integer> partitions = new TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                .forEach(task -> partitions.add(task.taskId().partition())));
        List<ReadOnlyKeyValueStore<Object, Object>> stores = new ArrayList<>();
        for (int partition : partitions) {
            try {
                ReadOnlyKeyValueStore<Object, Object> store = streams.store(StoreQueryParameters
                        .fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()).withPartition(partition));
                store.approximateNumEntries();
                stores.add(views.readable(view, store));
            } catch (InvalidStateStorePartitionException e) {
                // a task of another sub-topology has this partition; the view's store does not
            } catch (StreamsException e) {
                throw notReady(view, e);
            }
        }
        if (stores.isEmpty()) {
            throw notReady(view, null);
        }
        return stores;
    }

    /**
     * Asks every local partition of the view's history through interactive queries v2 (v1 cannot read
     * versioned stores), as {@link #store} does for plain reads: a key lives in one partition, and the
     * others answer null. Kafka Streams' per-key metadata would name the one partition, but it is only
     * there when {@code application.server} is set.
     */
    @Override
    public Object getAsOf(String view, Object key, long asOfMillis) {
        requireOpen(view);
        String store = views.historyStore(view);
        if (asOfMillis < 0) {
            return null;
        }
        StateQueryResult<VersionedRecord<Object>> result;
        try {
            result = streams.query(StateQueryRequest.inStore(store)
                    .withQuery(VersionedKeyQuery.<Object, Object>withKey(key).asOf(Instant.ofEpochMilli(asOfMillis)))
                    .requireActive());
        } catch (StreamsException e) {
            // not started, stopped, or not running the store yet
            throw notReady(view, e);
        }
        boolean answered = false;
        QueryResult<VersionedRecord<Object>> failed = null;
        for (QueryResult<VersionedRecord<Object>> answer : result.getPartitionResults().values()) {
            if (answer.isSuccess()) {
                answered = true;
                if (answer.getResult() != null) {
                    return answer.getResult().value();
                }
            } else if (answer.getFailureReason() == FailureReason.STORE_EXCEPTION
                    || answer.getFailureReason() == FailureReason.UNKNOWN_QUERY_TYPE) {
                throw new ViewException(view, "View '" + view + "' could not read its history for key '" + key + "' ("
                        + answer.getFailureReason() + ": " + answer.getFailureMessage() + "); see the log");
            } else {
                failed = answer;
            }
        }
        // while the instance runs, a partition that is not active is a standby's; otherwise it is being
        // assigned or restored and may hold the key
        if (!answered || failed != null && streams.state() != KafkaStreams.State.RUNNING) {
            throw notReady(view, failed == null ? null : new InvalidStateStoreException("history store '" + store
                    + "': " + failed.getFailureReason() + ": " + failed.getFailureMessage()));
        }
        return null;
    }

    @Override
    public ViewStatus status(String view) {
        State state = state(view);
        long restoredRecords = restoredRecords(view);
        Set<String> topics = views.inputTopics(view);
        Optional<Instant> lastUpdate = positions.lastUpdate(topics).stream().mapToObj(Instant::ofEpochMilli).findFirst();
        if (state == State.CLOSED || state == State.ERROR) {
            return new ViewStatus(view, state, restoredRecords, Map.of(), 0, lastUpdate);
        }
        Map<TopicPartition, Long> lag = new HashMap<>();
        try {
            InputOffsets.Local assigned = offsets.local();
            Map<TopicPartition, Long> ends = offsets.endOffsets(view, assigned.partitionsOf(topics), false);
            for (TopicPartition partition : assigned.partitionsOf(topics)) {
                Long end = ends.get(partition);
                if (end != null) {
                    lag.put(partition, Math.max(0, end - offsets.processed(partition, assigned)));
                }
            }
        } catch (RuntimeException e) {
            // status never throws: without end offsets the lag is unknown, and left empty
            LOG.debug("View '{}': cannot compute the lag now", view, e);
            lag.clear();
        }
        long total = lag.values().stream().mapToLong(Long::longValue).sum();
        return new ViewStatus(view, state, restoredRecords, lag, total, lastUpdate,
                state == State.RESTORING ? restoring(view) : Optional.empty());
    }

    private State state(String view) {
        if (closed) {
            return State.CLOSED;
        }
        return switch (streams.state()) {
            case CREATED -> State.STARTING;
            // Kafka Streams reports a rebalance until every task of a thread is restored
            case REBALANCING -> restoring(view).isPresent() ? State.RESTORING : State.REBALANCING;
            case RUNNING -> restoring(view).isPresent() ? State.RESTORING : State.READY;
            case PENDING_ERROR, ERROR -> State.ERROR;
            case PENDING_SHUTDOWN, NOT_RUNNING -> failure != null ? State.ERROR : State.CLOSED;
        };
    }

    private long restoredRecords(String view) {
        return restores.restoredRecords(store -> storeOfView(view, store));
    }

    private Optional<ViewStatus.Restoring> restoring(String view) {
        return restores.restoring(store -> storeOfView(view, store));
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    @Override
    public void awaitReady(String view, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        requireOpen(view);
        // the target is the end of the log now: records written while waiting do not move it
        Map<TopicPartition, Long> target = offsets.endOffsets(view, offsets.allPartitions(view, views.inputTopics(view)), true);
        while (true) {
            requireOpen(view);
            ViewStatus status = status(view);
            if (status.state() == State.ERROR) {
                throw notReady(view, null);
            }
            if (status.isReady()) {
                try {
                    store(view).approximateNumEntries();
                    break;
                } catch (ViewNotReadyException | InvalidStateStoreException e) {
                    // the instance is running but this store is not open yet: keep waiting
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ViewNotReadyException(view, status.state(), "View '" + view + "' is still "
                        + status.state() + status.restoring().map(r -> " (" + r + ")").orElse("") + " after "
                        + timeout + "; " + waitingFor(status.state()), null);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        awaitApplied(view, target, deadline, () -> "View '" + view + "' has not caught up with its input topics after "
                + timeout + "; still behind on ", "the end offsets at the call; the service is slower than its input or"
                + " a stream thread is stuck: raise the timeout or num.stream.threads");
    }

    @Override
    public <K, V> Subscription subscribe(String view, ChangeListener<K, V> listener, int capacity) {
        requireOpen(view);
        return views.changes().subscribe(view, listener, capacity);
    }

    @Override
    public void awaitFreshness(String view, Freshness freshness, Duration timeout) {
        requireOpen(view);
        views.requireReadsAll(view, freshness);
        requireLocal(view, freshness);
        Map<TopicPartition, Long> target = new HashMap<>();
        freshness.offsets().forEach((partition, offset) -> target.put(partition, offset + 1));
        if (target.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitApplied(view, target, deadline, () -> "View '" + view + "' has not processed " + freshness + " after "
                + timeout + "; still lacking ", "the written records; read without the token, or raise the timeout");
    }

    /**
     * Waits until the input records up to the target, and everything they led to, are in the view's store.
     * For a view that re-partitions, a processed input record may still be on its way through internal
     * topics (a re-key, a grouping, both legs of a foreign-key join); so, pass after pass: the stream
     * threads' producers are flushed, which lands what the processed records sent on; the internal topics'
     * end offsets then cover it, and become the next target. A pass that finds no new records ends the wait;
     * there are at most as many passes as hops, plus the one that finds nothing.
     */
    private void awaitApplied(String view, Map<TopicPartition, Long> target, long deadline,
                              Supplier<String> what, String fix) {
        awaitPositions(view, target, deadline, what, fix);
        Set<String> internal = new TreeSet<>();
        views.internalTopics(view).forEach(topic -> internal.add(applicationId + "-" + topic));
        if (internal.isEmpty()) {
            return;
        }
        Set<TopicPartition> partitions = offsets.allPartitions(view, internal);
        Map<TopicPartition, Long> previous = Map.of();
        for (int pass = 0; pass <= internal.size(); pass++) {
            clients.flush();
            Map<TopicPartition, Long> ends = offsets.endOffsets(view, partitions, true);
            if (ends.equals(previous)) {
                return;
            }
            awaitPositions(view, ends, deadline, what, fix);
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
    private void awaitPositions(String view, Map<TopicPartition, Long> target, long deadline,
                                Supplier<String> what, String fix) {
        while (true) {
            requireOpen(view);
            InputOffsets.Local assigned = offsets.local();
            Map<TopicPartition, Long> lacking = offsets.lacking(target, assigned);
            if (lacking.isEmpty()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                StringBuilder message = new StringBuilder(what.get());
                lacking.forEach((partition, next) -> message.append(partition).append(" (at offset ").append(next)
                        .append(", needs ").append(target.get(partition)).append(", lag ")
                        .append(target.get(partition) - next).append(assigned.partitions().contains(partition)
                                ? "" : ", not assigned to this instance").append(") "));
                message.append("to reach ").append(fix);
                throw new ViewNotReadyException(view, state(view), message.toString(), failure);
            }
            if (state(view) == State.ERROR) {
                throw notReady(view, null);
            }
            try {
                // woken by every processed record; the cap re-reads the committed offsets and assignment
                positions.await(() -> offsets.lacking(target, assigned).isEmpty(), Math.min(left, WAIT_SLICE_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ViewNotReadyException(view, state(view), "Interrupted while waiting for view '" + view + "'", e);
            }
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
        String progress = state == State.RESTORING ? restoring(view).map(r -> " (" + r + ")").orElse("") : "";
        return new ViewNotReadyException(view, state, "View '" + view + "' is " + state + progress
                + " and cannot answer yet; " + waitingFor(state), cause != null ? cause : failure);
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
        if (advertised != null) {
            advertised.transport().close();
        }
        views.changes().closeAll();
        offsets.close();
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

    /**
     * Whether a store holds rows of the view: its own store or history, a store of one of its steps (named
     * after it), or the table of an input topic it reads, which views share.
     */
    private boolean storeOfView(String view, String store) {
        if (store.equals(views.storeNames().get(view)) || view.equals(routing.viewOf(store))) {
            return true;
        }
        return views.inputTopics(view).stream().anyMatch(topic -> store.equals(StoreRouting.tableStore(topic)));
    }
}
