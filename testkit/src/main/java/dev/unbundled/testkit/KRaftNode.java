package dev.unbundled.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.FaultHandlerFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One combined broker and controller, assembled from Kafka's server classes the way
 * {@code KafkaRaftServer} does, with two differences that matter inside a test JVM:
 * <ul>
 *   <li>its listener sockets are bound before the configuration is written, so no other process can
 *       take a port between choosing it and Kafka binding it;</li>
 *   <li>fatal faults are logged instead of halting the JVM, which {@code KafkaRaftServer} does for
 *       example when the controller port cannot be bound.</li>
 * </ul>
 * Everything Kafka-internal stays in this class so that a Kafka upgrade touches one file.
 */
final class KRaftNode {

    static final String LOOPBACK = "127.0.0.1";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final Logger LOG = LoggerFactory.getLogger(KRaftNode.class);

    private final Map<String, ServerSocketChannel> preboundSockets;
    private final Metrics metrics;
    private final ControllerServer controller;
    private final BrokerServer broker;
    private final int brokerPort;
    private final int controllerPort;

    private KRaftNode(Map<String, ServerSocketChannel> preboundSockets, Metrics metrics,
                      ControllerServer controller, BrokerServer broker, int brokerPort, int controllerPort) {
        this.preboundSockets = preboundSockets;
        this.metrics = metrics;
        this.controller = controller;
        this.broker = broker;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /**
     * Binds the listener ports, formats {@code dataDirectory} and builds the servers without starting
     * them.
     *
     * @param startupTimeout how long {@link #startup()} may wait for the broker to join the cluster
     */
    static KRaftNode create(Path dataDirectory, Map<String, String> overrides, Duration startupTimeout) {
        return create(dataDirectory, overrides, startupTimeout, 0, 0, true);
    }

    /**
     * Binds the given listener ports and builds the servers over a directory that an earlier node formatted
     * and shut down, without starting them: the broker comes back with its topics, records and committed
     * offsets, at the same address.
     *
     * @param startupTimeout how long {@link #startup()} may wait for the broker to join the cluster
     * @throws UncheckedIOException with a {@link java.net.BindException} as its cause if a port is taken
     */
    static KRaftNode recreate(Path dataDirectory, Map<String, String> overrides, Duration startupTimeout,
                              int brokerPort, int controllerPort) {
        return create(dataDirectory, overrides, startupTimeout, brokerPort, controllerPort, false);
    }

    private static KRaftNode create(Path dataDirectory, Map<String, String> overrides, Duration startupTimeout,
                                    int requestedBrokerPort, int requestedControllerPort, boolean format) {
        Map<String, ServerSocketChannel> sockets = new LinkedHashMap<>();
        Metrics metrics = null;
        boolean created = false;
        try {
            sockets.put(BROKER_LISTENER, bindLoopback(BROKER_LISTENER, requestedBrokerPort));
            sockets.put(CONTROLLER_LISTENER, bindLoopback(CONTROLLER_LISTENER, requestedControllerPort));
            int brokerPort = sockets.get(BROKER_LISTENER).socket().getLocalPort();
            int controllerPort = sockets.get(CONTROLLER_LISTENER).socket().getLocalPort();

            KafkaConfig config = config(brokerPort, controllerPort, dataDirectory, overrides, startupTimeout);
            BootstrapMetadata bootstrapMetadata;
            MetaPropertiesEnsemble metaProperties;
            if (format) {
                bootstrapMetadata = format(dataDirectory).bootstrapMetadata();
                metaProperties = new MetaPropertiesEnsemble.Loader()
                        .addLogDirs(List.of(dataDirectory.toString()))
                        .addMetadataLogDir(dataDirectory.toString())
                        .load();
            } else {
                // what KafkaRaftServer does on every start: check meta.properties and read the bootstrap
                // metadata the formatter wrote, instead of formatting (which would refuse a formatted directory)
                Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> loaded =
                        KafkaRaftServer.initializeLogDirs(config, LOG, "[EmbeddedKafka] ");
                metaProperties = loaded._1();
                bootstrapMetadata = loaded._2();
            }

            metrics = new Metrics();
            SharedServer shared = new SharedServer(
                    config,
                    metaProperties,
                    Time.SYSTEM,
                    metrics,
                    CompletableFuture.completedFuture(
                            Map.of(NODE_ID, new InetSocketAddress(LOOPBACK, controllerPort))),
                    List.of(),
                    new LoggingFaultHandlerFactory(),
                    preboundSocketFactory(sockets));
            ControllerServer controller =
                    new ControllerServer(shared, KafkaRaftServer.configSchema(), bootstrapMetadata);
            BrokerServer broker = new BrokerServer(shared);
            KRaftNode node = new KRaftNode(sockets, metrics, controller, broker, brokerPort, controllerPort);
            created = true;
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the embedded Kafka broker", e);
        } finally {
            if (!created) {
                if (metrics != null) {
                    metrics.close();
                }
                closeAll(sockets);
            }
        }
    }

    int brokerPort() {
        return brokerPort;
    }

    int controllerPort() {
        return controllerPort;
    }

    /**
     * Blocks until the controller is active and the broker is unfenced, or the startup timeout passes.
     *
     * @throws IllegalStateException if either server fails to start
     */
    void startup() {
        try {
            // Same order as KafkaRaftServer: the broker registers with the controller while starting.
            controller.startup();
            broker.startup();
        } catch (Exception e) {
            // Also catches checked exceptions that Scala code throws undeclared, such as the
            // TimeoutException when the startup deadline passes.
            throw new IllegalStateException(describe(e), e);
        }
    }

    /**
     * Stops both servers and waits for their threads; safe on a node that never fully started.
     *
     * @throws IllegalStateException if a server fails while shutting down; the sockets are closed anyway
     */
    void shutdown() {
        try {
            broker.shutdown();
            controller.shutdown();
            broker.awaitShutdown();
            controller.awaitShutdown();
        } catch (Exception e) {
            throw new IllegalStateException("Kafka server failed to shut down: " + describe(e), e);
        } finally {
            metrics.close();
            // The servers close the sockets they took over; this catches any they never reached.
            closeAll(preboundSockets);
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static KafkaConfig config(int brokerPort, int controllerPort, Path dataDirectory,
                                      Map<String, String> overrides, Duration startupTimeout) {
        // Strings throughout: ConfigDef parses them, but rejects an Integer where it expects a short.
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        props.put("listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", dataDirectory.toString());
        props.put("metadata.log.dir", dataDirectory.toString());
        // Without a bound, startup() waits forever for a broker that cannot join (a bad override).
        props.put("server.max.startup.time.ms", String.valueOf(startupTimeout.toMillis()));
        // Internal topics default to replication factor 3 and up to 50 partitions; a single broker
        // can host only one replica, and one partition makes the first group join fast.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "1");
        // Otherwise the first consumer of a group waits 3 s for members that will never come.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        // The log cleaner allocates this on the heap at start-up; the 128 MiB default is sized for
        // production segments, and two brokers in one test JVM would hold 256 MiB.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        // A test or demo broker keeps what it is given: a table's topic is its view's log, and a runtime warns of
        // table topics whose records retention deletes (the broker's default is seven days)
        props.put("log.retention.ms", "-1");
        props.putAll(overrides);
        try {
            return new KafkaConfig(props, false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid embedded Kafka broker configuration: " + e.getMessage(), e);
        }
    }

    private static Formatter format(Path dataDirectory) {
        Formatter formatter = new Formatter()
                // The formatter reports each directory it formats on System.out.
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dataDirectory.toString()))
                .setMetadataLogDirectory(dataDirectory.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka data directory " + dataDirectory, e);
        }
        return formatter;
    }

    private static ServerSocketChannel bindLoopback(String listener, int port) throws IOException {
        return ServerSocketFactory.INSTANCE.openServerSocket(listener, new InetSocketAddress(LOOPBACK, port), -1, -1);
    }

    private static ServerSocketFactory preboundSocketFactory(Map<String, ServerSocketChannel> sockets) {
        return (listener, address, backlog, receiveBufferSize) -> {
            ServerSocketChannel prebound = sockets.get(listener);
            if (prebound != null && prebound.isOpen()) {
                return prebound;
            }
            return ServerSocketFactory.INSTANCE.openServerSocket(listener, address, backlog, receiveBufferSize);
        };
    }

    private static void closeAll(Map<String, ServerSocketChannel> sockets) {
        for (ServerSocketChannel socket : sockets.values()) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing is listening on it any more either way.
            }
        }
    }

    /**
     * Kafka's standard factory halts the process on a fatal fault. A broker inside a test JVM must not
     * take the test run down with it: the fault is logged at ERROR and surfaces as failing calls.
     */
    private static final class LoggingFaultHandlerFactory implements FaultHandlerFactory {
        @Override
        public org.apache.kafka.server.fault.FaultHandler build(String name, boolean fatal, Runnable action) {
            return new LoggingFaultHandler(name, action);
        }
    }
}
