package dev.unbundled.internal.run;

import dev.unbundled.OldVersion;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.internal.compile.CompiledViews;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled views running in Kafka Streams: one application ({@link Engine}) per view, named
 * {@code <application id>.<view>.<fingerprint>}, so that each view's consumer group, internal topics and
 * local state belong to one version of its definition. A view whose definition changed starts on fresh
 * state and rebuilds from its input topics; the others find their state again. Starts them, lists them as
 * {@link RunningView}s and stops them. Everything a view's reads need lives in its {@code RunningView}.
 */
public final class StreamsRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRuntime.class);
    private static final long BUILD_CHECK_MILLIS = 100;

    private final String applicationId;
    private final List<Engine> engines;
    private final List<DeadLetterRouter> deadLetters;
    /** Writes the dead letters Kafka Streams cannot: those of global views and of records no source read. */
    private final DirectLetters directLetters;
    private final Admin admin;
    private final Map<String, RunningView<?, ?>> running = new LinkedHashMap<>();
    /** Moves the builds of new or changed views on; null if there are none. */
    private final ScheduledExecutorService builds;
    private final OldVersions oldVersions;
    private volatile boolean closed;

    private StreamsRuntime(String applicationId, Path stateDir, List<Engine> engines,
                           Map<String, Engine> owners, List<DeadLetterRouter> deadLetters,
                           DirectLetters directLetters, Admin admin) {
        this.applicationId = applicationId;
        this.engines = List.copyOf(engines);
        this.deadLetters = List.copyOf(deadLetters);
        this.directLetters = directLetters;
        this.admin = admin;
        owners.forEach((view, engine) -> running.put(view, new RunningView<>(engine,
                engine.views.definition(view, "runtime"), rebuildOf(engine, view, admin, directLetters))));
        this.builds = watchBuilds();
        this.oldVersions = new OldVersions(admin, applicationId, engines.stream().map(engine -> engine.applicationId)
                .collect(Collectors.toSet()), stateDir);
    }

    /** @return whether the view's version must be built from its inputs before it answers */
    private static Rebuild rebuildOf(Engine engine, String view, Admin admin, DirectLetters directLetters) {
        if (engine.views.definition(view, "runtime").isGlobal()) {
            // Kafka Streams loads a global view's whole topic before it runs anything
            return Rebuild.built(engine.applicationId);
        }
        Set<String> inputs = new TreeSet<>(engine.views.inputTopics(view));
        inputs.removeAll(engine.views.globalTopics());
        Rebuild rebuild = Rebuild.prepare(admin, engine.applicationId, view, inputs, engine.internalTopics(view),
                engine.views.loadsFromTopics(view));
        if (!rebuild.unread().isEmpty()) {
            engine.views.restores().deadLetterUnread(new UnreadLetters(admin, engine.applicationId
                    + Rebuild.TARGET_GROUP_SUFFIX, rebuild.unread(), engine.deadLetters, directLetters));
        }
        return rebuild;
    }

    /** @return the thread that moves every view's build on, or null if every view has been built */
    private ScheduledExecutorService watchBuilds() {
        List<RunningView<?, ?>> building = running.values().stream().filter(view -> !view.rebuild().isBuilt())
                .toList();
        if (building.isEmpty()) {
            return null;
        }
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "unbundled-build-" + applicationId);
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(() -> {
            building.forEach(view -> {
                try {
                    view.rebuild().check(admin);
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    LOG.debug("View '{}': cannot tell how far its build has come now", view.name(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            if (building.stream().allMatch(view -> view.rebuild().isBuilt())) {
                watcher.shutdown();   // every build is done: nothing is left to watch
            }
        }, 0, BUILD_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return watcher;
    }

    /**
     * Compiles and starts views.
     *
     * @param settings what the runtime runs, and where
     * @return the started runtime
     */
    public static StreamsRuntime start(RuntimeSettings settings) {
        String applicationId = settings.applicationId();
        String runtimeId = applicationId + "-" + UUID.randomUUID();
        List<Application> applications = Application.plan(settings, runtimeId);
        Map<String, Application> owners = Application.owners(applications);
        applications.forEach(Application::warnIfUnreadable);
        warnIfNotExactlyOnce(applicationId, applications.get(0).config());
        // everything opened here is closed again if a later step fails, so a failed start leaks no port or thread
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            DirectLetters directLetters = new DirectLetters(settings.bootstrapServers(),
                    applicationId + "-unbundled-dead-letters");
            opened.add(directLetters);
            List<DeadLetterRouter> routers = new ArrayList<>();
            for (Application application : applications) {
                routers.add(application.route(directLetters::send, owners));
            }
            Topics.prepare(settings.bootstrapServers(), applications.stream().map(Application::views).toList(),
                    routers.stream().flatMap(router -> router.topics().stream()).distinct().toList(),
                    settings.missingTopicPartitions(), applications.get(0).config());
            LocalQueries queries = new LocalQueries();
            String instance = serve(applicationId, applications.get(0).views(), settings.advertised(), queries,
                    opened);
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, applicationId + "-unbundled-lag"));
            opened.add(() -> admin.close(Duration.ZERO));
            // one judgement of the cluster for every application: a view whose own requests have not failed yet
            // is as cut off as the one whose requests did
            Brokers brokers = new Brokers(settings.bootstrapServers());
            List<Engine> engines = new ArrayList<>();
            Map<String, Engine> engineOf = new LinkedHashMap<>();
            for (Application application : applications) {
                Engine engine = application.engine(settings, instance, admin, brokers, opened);
                engines.add(engine);
                owners.forEach((view, owner) -> {
                    if (owner == application) {
                        engineOf.put(view, engine);
                    }
                });
            }
            StreamsRuntime runtime = new StreamsRuntime(applicationId, settings.stateDir(), engines, engineOf, routers, directLetters,
                    admin);
            queries.attach(runtime);
            engines.forEach(runtime::run);
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

    private void run(Engine engine) {
        KafkaStreams streams = engine.streams;
        streams.setStateListener((now, before) -> LOG.debug("Application '{}' went from {} to {}",
                engine.applicationId, before, now));
        streams.setUncaughtExceptionHandler(error -> onFailure(engine, error));
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
        if (closed) {
            throw engines.get(0).closedException(definition.name());
        }
        RunningView<?, ?> view = running.get(definition.name());
        if (view == null) {
            throw new IllegalArgumentException("View '" + definition.name() + "' is not part of this runtime;"
                    + " register it with builder.view(definition) before start()");
        }
        // the compiler ran this very definition (or one equal to it by name), so its types are the view's
        return (RunningView<K, V>) view;
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
        Map<MetricName, Metric> metrics = new LinkedHashMap<>();
        engines.forEach(engine -> metrics.putAll(engine.streams.metrics()));
        return metrics;
    }

    /** @return where other instances reach this one, or empty if it advertises nothing */
    public Optional<String> queryAddress() {
        Engine any = engines.get(0);
        return any.transport == null ? Optional.empty() : Optional.of(any.instance);
    }

    /** @return how many records went to each view's dead-letter topic since start, by view name */
    public Map<String, Long> deadLetters() {
        Map<String, Long> counts = new TreeMap<>();
        deadLetters.forEach(router -> router.counts().forEach((view, count) -> counts.merge(view, count, Long::sum)));
        return counts;
    }

    /** @return how many updates each view applied to its store since start, by view name */
    public Map<String, Long> updatesApplied() {
        return perView(engine -> engine.views.changes().applied());
    }

    /** @return how many subscriptions of each view were dropped for not keeping up, by view name */
    public Map<String, Long> subscriptionsDropped() {
        return perView(engine -> engine.views.changes().dropped());
    }

    /** @return a count of each running view, from the engine that runs it */
    private Map<String, Long> perView(Function<Engine, Map<String, Long>> counts) {
        Map<String, Long> byView = new LinkedHashMap<>();
        running.forEach((name, view) -> byView.put(name, counts.apply(view.engine()).getOrDefault(name, 0L)));
        return byView;
    }

    /** @return what earlier versions of this runtime's views left behind, see {@link OldVersions} */
    public List<OldVersion> oldVersions() {
        return oldVersions.list();
    }

    /** @return the old versions removed: every one no instance runs */
    public List<OldVersion> removeOldVersions() {
        return oldVersions.remove();
    }

    /**
     * @param definition a view
     * @return the name of its dead-letter topic
     */
    public String deadLetterTopic(ViewDefinition<?, ?> definition) {
        Objects.requireNonNull(definition, "definition");
        return deadLetters.get(0).topicOf(definition.name());
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops the views and leaves their consumer groups; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        engines.forEach(Engine::markClosed);
        if (builds != null) {
            builds.shutdownNow();
        }
        Engine any = engines.get(0);
        if (any.transport != null) {
            any.transport.close();
        }
        engines.forEach(engine -> {
            engine.views.changes().closeAll();
            engine.offsets.close();
        });
        // leaving the group hands this instance's partitions to the others now, not after the session timeout;
        // the applications stop side by side, not one after the other
        List<Thread> stopping = new ArrayList<>();
        for (Engine engine : engines) {
            Thread stop = new Thread(() -> engine.streams.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30))),
                    "unbundled-close-" + engine.applicationId);
            stop.start();
            stopping.add(stop);
        }
        for (Thread stop : stopping) {
            try {
                stop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        admin.close(Duration.ZERO);
        directLetters.close();
    }

    @Override
    public String toString() {
        return "ViewRuntime[" + applicationId + ", views=" + running.keySet() + "]";
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onFailure(Engine engine, Throwable error) {
        engine.fail(error);
        LOG.error("Runtime '{}': views {} stopped, a stream thread of '{}' failed", applicationId,
                engine.views.definitions().keySet(), engine.applicationId, error);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
