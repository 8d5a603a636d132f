package dev.unbundled.internal.run;

import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.Compiler;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.compile.Fingerprint;
import dev.unbundled.internal.compile.StoreRouting;
import dev.unbundled.internal.compile.StreamsDefaults;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams application a runtime starts: a view compiled alone, with the global views it looks
 * up, under the application id {@code <runtime's application id>.<view>.<fingerprint>}. A global view that
 * no view looks up gets an application of its own; one that views look up is read from the first of them.
 */
final class Application {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private final String runtimeApplicationId;
    private final String applicationId;
    private final DefinitionImpl<?, ?> main;
    private final Fingerprint fingerprint;
    private final StoreRouting routing;
    private final Properties config;
    private final CompiledViews views;
    private DeadLetterRouter router;

    private Application(RuntimeSettings settings, String runtimeId, DefinitionImpl<?, ?> main) {
        this.runtimeApplicationId = settings.applicationId();
        this.main = main;
        this.fingerprint = main.identity();
        this.applicationId = applicationId(settings.applicationId(), main.name(), fingerprint.hex());
        this.routing = new StoreRouting(settings.defaultStore(), List.of(main));
        this.config = StreamsDefaults.tunables();
        config.putAll(routing.streamsConfig());
        config.putAll(settings.overrides());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        // one id for the whole runtime: its stores share resources by it (a RocksDB memory budget)
        config.put(StreamsDefaults.RUNTIME_ID, runtimeId);
        config.putAll(StreamsDefaults.topologyConfig(routing));
        this.views = Compiler.compile(List.of(main), config);
    }

    /**
     * @param runtimeApplicationId the runtime's application id
     * @param view a view's name
     * @param fingerprint the view's fingerprint
     * @return the Kafka Streams application id the view runs under
     */
    static String applicationId(String runtimeApplicationId, String view, String fingerprint) {
        return runtimeApplicationId + "." + view + "." + fingerprint;
    }

    /**
     * @return one application per view that is not global, then one per global view that none of them
     *     looks up
     * @throws IllegalArgumentException if two different views share a name, or read one topic with
     *     different serdes
     */
    static List<Application> plan(RuntimeSettings settings, String runtimeId) {
        // compiled apart, views are still checked together: one name per view, one description per topic
        Compiler.requireConsistent(settings.definitions());
        List<Application> applications = new ArrayList<>();
        Set<String> globalsHeld = new HashSet<>();
        for (DefinitionImpl<?, ?> definition : settings.definitions()) {
            if (!definition.isGlobal()) {
                Application application = new Application(settings, runtimeId, definition);
                applications.add(application);
                globalsHeld.addAll(application.views.definitions().keySet());
            }
        }
        for (DefinitionImpl<?, ?> definition : settings.definitions()) {
            if (definition.isGlobal() && globalsHeld.add(definition.name())) {
                applications.add(new Application(settings, runtimeId, definition));
            }
        }
        return applications;
    }

    /**
     * @return the application that answers each view's reads: a view's own, and for a global view that is
     *     looked up, the first application that holds it
     */
    static Map<String, Application> owners(List<Application> applications) {
        Map<String, Application> owners = new LinkedHashMap<>();
        applications.forEach(application -> owners.put(application.main.name(), application));
        applications.forEach(application -> application.views.definitions().keySet()
                .forEach(view -> owners.putIfAbsent(view, application)));
        return owners;
    }

    CompiledViews views() {
        return views;
    }

    Properties config() {
        return config;
    }

    /** Warns, once at start, when the fingerprint cannot see a change in some of the view's code. */
    void warnIfUnreadable() {
        if (!fingerprint.unreadable().isEmpty()) {
            LOG.warn("View '{}': its fingerprint cannot read the code of {}; a change there will not rebuild the"
                    + " view by itself. Set version(...) on its definition and change it when that code changes",
                    main.name(), fingerprint.unreadable());
        }
    }

    /**
     * Makes the router of the application's bad records and sets the error handlers that use it.
     *
     * @param directSink sends the dead letters of global views
     * @param owners the application that answers each view, which also writes its dead letters
     * @return the router
     */
    DeadLetterRouter route(Consumer<ProducerRecord<byte[], byte[]>> directSink, Map<String, Application> owners) {
        Set<String> elsewhere = new HashSet<>();
        views.definitions().keySet().forEach(view -> {
            if (owners.get(view) != this) {
                elsewhere.add(view);
            }
        });
        DeadLetterRouter router = new DeadLetterRouter(runtimeApplicationId, applicationId, views, elsewhere,
                directSink);
        config.putAll(DeadLetterHandler.streamsConfig(applicationId, router, routing));
        this.router = router;
        return router;
    }

    /**
     * Creates the application's Kafka Streams instance, not started.
     *
     * @param instance this instance's advertised address, or {@code "local"}
     * @param admin the runtime's admin client
     * @param brokers whether the cluster answers, shared by the runtime's applications
     * @param opened what to close if the start fails
     * @return the engine that runs the application
     */
    Engine engine(RuntimeSettings settings, String instance, Admin admin, Brokers brokers,
                  List<AutoCloseable> opened) {
        LocalState.wipeEphemeral(settings.stateDir().resolve(applicationId), views, routing);
        if (settings.advertised() != null) {
            config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, instance);
        }
        FlushableClients clients = new FlushableClients(views.restores());
        KafkaStreams streams = new KafkaStreams(views.topology(), config, clients);
        opened.add(streams);
        return new Engine(runtimeApplicationId, applicationId, views, routing, streams, clients,
                new InputOffsets(applicationId, brokers, streams, admin, views.positions()),
                new RestoreProgress(views.restores()::ended), router, instance, settings.advertised() == null ? null : settings.advertised().transport(),
                settings.readListener());
    }
}
