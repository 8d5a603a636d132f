package dev.unbundled.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Utils;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside the current
 * JVM, for integration tests and demos.
 *
 * <p>Each instance listens on its own free loopback ports and keeps its data in a fresh temporary
 * directory, so several brokers can run side by side and nothing survives {@link #close()}. All
 * methods are safe to call from any thread.
 *
 * <p>{@link #stop()} takes the broker down as a failed or restarted broker would be, keeping its data and
 * its address; {@link #restart()} brings it back with the same topics, records and committed offsets at the
 * same {@link #bootstrapServers()}, so clients created before the stop reconnect on their own:
 *
 * <pre>{@code
 * kafka.stop();     // clients now fail to reach the broker
 * kafka.restart();  // same data, same address: the clients carry on
 * }</pre>
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("orders", 3);
 *     try (Producer<String, String> producer = new KafkaProducer<>(
 *             kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
 *         producer.send(new ProducerRecord<>("orders", "o-1", "created"));
 *     }
 * }
 * }</pre>
 *
 * <p>In JUnit 5 tests, {@link EmbeddedKafkaExtension} runs one broker per test class.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** How long the shutdown hook leaves the broker to its owner's own shutdown hook to close. */
    private static final Duration OWNER_CLOSE_GRACE = Duration.ofSeconds(10);
    // What makes the broker embeddable: changing these would leave it unreachable or unformatted.
    private static final Set<String> RESERVED_CONFIGS = Set.of(
            "process.roles", "node.id", "broker.id", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "listeners", "advertised.listeners", "listener.security.protocol.map", "controller.listener.names",
            "inter.broker.listener.name", "log.dir", "log.dirs", "metadata.log.dir");

    private final Map<String, String> overrides;
    private final Admin admin;
    private final Path dataDirectory;
    private final String bootstrapServers;
    private final int brokerPort;
    private final int controllerPort;
    private final Thread shutdownHook;
    /** The running servers; null while stopped. */
    private KRaftNode node;
    /** Holds the ports while stopped; null while running. */
    private PortReservation reservation;
    private boolean closed;

    private EmbeddedKafka(KRaftNode node, Map<String, String> overrides, Admin admin, Path dataDirectory,
                          String bootstrapServers) {
        this.node = node;
        this.overrides = Map.copyOf(overrides);
        this.admin = admin;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = bootstrapServers;
        this.brokerPort = node.brokerPort();
        this.controllerPort = node.controllerPort();
        // A demo stopped with Ctrl+C may never reach close(); without the hook its data directory
        // would be left behind in the temp folder.
        this.shutdownHook = new Thread(() -> closeAtExit(OWNER_CLOSE_GRACE), "embedded-kafka-shutdown-" + bootstrapServers);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker on free loopback ports with a fresh temporary data directory and blocks until
     * it answers client requests.
     *
     * <pre>{@code
     * EmbeddedKafka kafka = EmbeddedKafka.start();
     * String bootstrap = kafka.bootstrapServers(); // e.g. "127.0.0.1:40123"
     * }</pre>
     *
     * @return a running broker; close it when done
     * @throws IllegalStateException if the broker fails to start or does not answer within 30 seconds
     */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /**
     * Starts a broker like {@link #start()}, with extra or replacing broker configuration entries.
     *
     * <p>Values are passed to the broker as their {@code toString()}. The listener, quorum, node id
     * and directory settings belong to the embedded broker and cannot be overridden.
     *
     * <pre>{@code
     * EmbeddedKafka kafka = EmbeddedKafka.start(Map.of(
     *         "auto.create.topics.enable", false,
     *         "log.cleaner.backoff.ms", 100));
     * }</pre>
     *
     * @param brokerOverrides broker configuration entries, for example {@code num.partitions}
     * @return a running broker; close it when done
     * @throws NullPointerException     if {@code brokerOverrides} is null
     * @throws IllegalArgumentException if an override is invalid or names a listener, quorum, node id
     *                                  or directory setting
     * @throws IllegalStateException    if the broker fails to start or does not answer within 30 seconds
     */
    public static EmbeddedKafka start(Map<String, ?> brokerOverrides) {
        Objects.requireNonNull(brokerOverrides, "brokerOverrides");
        Map<String, String> overrides = new HashMap<>();
        brokerOverrides.forEach((key, value) -> {
            if (RESERVED_CONFIGS.contains(key)) {
                throw new IllegalArgumentException(
                        "Broker config " + key + " is managed by EmbeddedKafka and cannot be overridden");
            }
            overrides.put(key, String.valueOf(value));
        });
        return startWithin(overrides, System.nanoTime() + START_DEADLINE.toNanos());
    }

    /**
     * Returns the address clients use to reach this broker, for {@code bootstrap.servers}.
     *
     * <pre>{@code
     * props.put("bootstrap.servers", kafka.bootstrapServers());
     * }</pre>
     *
     * @return {@code host:port} of the broker's plaintext listener
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates a topic with the given number of partitions and waits until the broker has created it.
     * Creating a topic that already exists with the same number of partitions does nothing.
     *
     * <pre>{@code
     * kafka.createTopic("orders", 3);
     * }</pre>
     *
     * @param name       topic name
     * @param partitions number of partitions, at least 1
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code partitions} is less than 1
     * @throws IllegalStateException    if the topic exists with another number of partitions, the broker
     *                                  rejects the request or this broker is stopped or closed
     */
    public void createTopic(String name, int partitions) {
        createTopics(partitions, name);
    }

    /**
     * Creates several topics with the same number of partitions and waits until the broker leads every
     * partition, so that the first records sent to them are accepted at once. Topics that already exist
     * with that number of partitions are left as they are.
     *
     * <pre>{@code
     * kafka.createTopics(1, "orders", "orders-by-customer-changelog");
     * }</pre>
     *
     * @param partitions number of partitions of each topic, at least 1
     * @param names      topic names
     * @throws NullPointerException     if {@code names} or one of them is null
     * @throws IllegalArgumentException if {@code partitions} is less than 1
     * @throws IllegalStateException    if a topic exists with another number of partitions, the broker
     *                                  rejects the request or this broker is stopped or closed
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        Objects.requireNonNull(names, "names");
        Set<String> topics = new LinkedHashSet<>();
        for (String name : names) {
            topics.add(Objects.requireNonNull(name, "topic name"));
        }
        if (topics.isEmpty()) {
            return;
        }
        ensureRunning();
        // Replication factor 1: there is only one broker to hold a replica.
        List<NewTopic> newTopics = topics.stream()
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .collect(Collectors.toList());
        CreateTopicsOptions options = new CreateTopicsOptions().timeoutMs((int) ADMIN_TIMEOUT.toMillis());
        Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics, options).values();
        Set<String> existing = new LinkedHashSet<>();
        for (String topic : topics) {
            try {
                await(results.get(topic), "create topic " + topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + topic + " on " + this, e.getCause());
                }
                existing.add(topic);
            }
        }
        if (!existing.isEmpty()) {
            requirePartitionCount(existing, partitions);
        }
        awaitLeaders(topics, partitions);
    }

    /**
     * A created topic is in the controller's metadata before the broker has become the leader of its
     * partitions; an idempotent producer that sends then gets NOT_LEADER_OR_FOLLOWER and, for the batches
     * already in flight behind it, OUT_OF_ORDER_SEQUENCE until they expire. Listing offsets succeeds
     * only at the partition's leader, and the admin client retries it until then.
     */
    private void awaitLeaders(Set<String> topics, int partitions) {
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (String topic : topics) {
            for (int partition = 0; partition < partitions; partition++) {
                ends.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                await(admin.listOffsets(ends).all(), "see the broker lead every partition of " + topics);
                return;
            } catch (ExecutionException e) {
                // the admin client does not retry a topic its metadata does not know yet
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)
                        || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Topics " + topics + " were created but their partitions did not"
                            + " come online on " + this, e.getCause());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    /**
     * Returns a new, modifiable producer configuration for this broker. Serializers are not set: pass
     * them to the producer's constructor or add them to the map.
     *
     * <p>Records are sent without lingering, and a send to a broker that went away fails within
     * seconds instead of the default two minutes.
     *
     * <pre>{@code
     * Producer<String, String> producer =
     *         new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new StringSerializer());
     * }</pre>
     *
     * @return producer configuration with {@code bootstrap.servers} and test-friendly timeouts
     */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        return config;
    }

    /**
     * Returns a new, modifiable consumer configuration for this broker. Deserializers are not set: pass
     * them to the consumer's constructor or add them to the map.
     *
     * <p>A group without committed offsets starts at the beginning of each partition, so the consumer
     * also sees records produced before it subscribed.
     *
     * <pre>{@code
     * Consumer<String, String> consumer = new KafkaConsumer<>(
     *         kafka.consumerConfig("test-group"), new StringDeserializer(), new StringDeserializer());
     * }</pre>
     *
     * @param groupId consumer group id
     * @return consumer configuration with {@code bootstrap.servers}, {@code group.id} and
     *         {@code auto.offset.reset=earliest}
     * @throws NullPointerException if {@code groupId} is null
     */
    public Map<String, Object> consumerConfig(String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /**
     * Stops the broker and waits until it has shut down, keeping its data directory and its ports: clients
     * fail to reach it (connections are refused) until {@link #restart()}. Producers and consumers
     * created before need not be replaced; they reconnect once it is back. Stopping a stopped broker does
     * nothing.
     *
     * <pre>{@code
     * kafka.stop();
     * // ... check that the application copes without Kafka ...
     * kafka.restart();
     * }</pre>
     *
     * @throws IllegalStateException if this broker is closed, or failed while shutting down (it is
     *                               stopped anyway, and {@link #restart()} may be tried)
     */
    public synchronized void stop() {
        ensureOpen();
        if (node == null) {
            return;
        }
        KRaftNode stopping = node;
        node = null;
        RuntimeException shutdownFailure = shutdown(stopping);
        reservation = PortReservation.hold(KRaftNode.LOOPBACK, brokerPort, controllerPort);
        if (shutdownFailure != null) {
            throw new IllegalStateException(this + " did not shut down cleanly", shutdownFailure);
        }
    }

    /**
     * Starts the broker again on the same data directory and at the same {@link #bootstrapServers()}, and
     * blocks until it answers client requests. A stopped broker is started; a running one is stopped
     * first, as a rolling restart would. Topics, records, committed offsets and transactions are as the
     * broker left them.
     *
     * <pre>{@code
     * kafka.stop();
     * kafka.restart();
     * consumer.poll(Duration.ofSeconds(1)); // the same consumer reads on
     * }</pre>
     *
     * @throws IllegalStateException if this broker is closed, if its port was taken by another process
     *                               while it was stopped, or if it fails to start or does not answer
     *                               within 30 seconds (it is then stopped, and may be restarted again)
     */
    public synchronized void restart() {
        ensureOpen();
        if (node != null) {
            stop();
        }
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        KRaftNode starting = null;
        try {
            starting = recreate(deadline);
            starting.startup();
            awaitClusterAnswers(admin, deadline, bootstrapServers);
        } catch (RuntimeException e) {
            if (starting != null) {
                RuntimeException stopFailure = shutdown(starting);
                if (stopFailure != null) {
                    e.addSuppressed(stopFailure);
                }
            }
            if (reservation == null) {
                reservation = PortReservation.hold(KRaftNode.LOOPBACK, brokerPort, controllerPort);
            }
            throw new IllegalStateException("Embedded Kafka broker at " + bootstrapServers + " failed to restart: "
                    + e.getMessage(), e);
        }
        node = starting;
    }

    /**
     * Says whether the broker is up: started, or restarted, and neither stopped nor closed since.
     *
     * <pre>{@code
     * if (!kafka.isRunning()) {
     *     kafka.restart();
     * }
     * }</pre>
     *
     * @return true while the broker runs
     */
    public synchronized boolean isRunning() {
        return node != null && !closed;
    }

    /**
     * Builds the servers over the existing directory at the old ports. The placeholders holding the ports
     * stay bound while the listeners bind (Linux allows it), so no other process can slip in between;
     * where the system refuses that, they are released and the bind retried until the deadline.
     */
    private KRaftNode recreate(long deadline) {
        while (true) {
            try {
                KRaftNode recreated = KRaftNode.recreate(dataDirectory, overrides,
                        Duration.ofNanos(remainingNanos(deadline)), brokerPort, controllerPort);
                releaseReservation();
                return recreated;
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.net.BindException)) {
                    throw e;
                }
                if (reservation != null) {
                    releaseReservation();
                } else if (remainingNanos(deadline) == 0) {
                    throw new IllegalStateException("Port " + brokerPort + " or " + controllerPort
                            + " was taken while the broker was stopped", e);
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        }
    }

    private void releaseReservation() {
        if (reservation != null) {
            reservation.close();
            reservation = null;
        }
    }

    /**
     * Stops the broker if it runs, waits until it has shut down and deletes its data directory. Calling it
     * again does nothing.
     *
     * <pre>{@code
     * kafka.close();
     * }</pre>
     *
     * @throws UncheckedIOException if the data directory could not be deleted
     * @throws IllegalStateException if the broker failed while shutting down (its directory is deleted anyway)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmShuttingDown) {
            // close() is being called by the shutdown hook, or while the JVM exits anyway.
        }
        admin.close(Duration.ZERO);
        RuntimeException shutdownFailure = node == null ? null : shutdown(node);
        node = null;
        releaseReservation();
        try {
            deleteRecursively(dataDirectory);
        } catch (UncheckedIOException e) {
            if (shutdownFailure != null) {
                e.addSuppressed(shutdownFailure);
            }
            throw e;
        }
        if (shutdownFailure != null) {
            throw new IllegalStateException(this + " did not shut down cleanly", shutdownFailure);
        }
    }

    /**
     * Closes the broker when the JVM exits. The JVM runs every shutdown hook at once, so an application
     * whose own hook closes its clients (a Kafka Streams runtime leaving its group) and then this broker
     * would lose the broker in the middle: this waits up to {@code grace} for that {@link #close()}
     * first, and closes the broker itself only if no one has.
     */
    synchronized void closeAtExit(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (!closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    /**
     * Describes this broker for test output.
     *
     * <pre>{@code
     * System.out.println(kafka); // EmbeddedKafka[127.0.0.1:40123]
     * }</pre>
     *
     * @return the bootstrap servers, and whether the broker is closed
     */
    @Override
    public synchronized String toString() {
        return "EmbeddedKafka[" + bootstrapServers + (closed ? ", closed]" : node == null ? ", stopped]" : "]");
    }

    /** The broker's data directory; only tests look at it. */
    Path dataDirectory() {
        return dataDirectory;
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka at " + bootstrapServers + " is closed");
        }
    }

    private synchronized void ensureRunning() {
        ensureOpen();
        if (node == null) {
            throw new IllegalStateException("EmbeddedKafka at " + bootstrapServers + " is stopped; call restart()");
        }
    }

    private void requirePartitionCount(Set<String> topics, int partitions) {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = await(admin.describeTopics(topics).allTopicNames(), "describe topics " + topics);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not describe topics " + topics + " on " + this, e.getCause());
        }
        for (TopicDescription description : descriptions.values()) {
            int actual = description.partitions().size();
            if (actual != partitions) {
                throw new IllegalStateException("Topic " + description.name() + " already exists with "
                        + actual + " partitions, not " + partitions);
            }
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what) throws ExecutionException {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to " + what, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out after " + ADMIN_TIMEOUT.toSeconds() + " s waiting to " + what, e);
        }
    }

    private static EmbeddedKafka startWithin(Map<String, String> overrides, long deadline) {
        Path dataDirectory = createDataDirectory();
        KRaftNode node = null;
        Admin admin = null;
        try {
            node = KRaftNode.create(dataDirectory, overrides, Duration.ofNanos(remainingNanos(deadline)));
            String bootstrapServers = KRaftNode.LOOPBACK + ":" + node.brokerPort();
            try {
                node.startup();
            } catch (IllegalStateException e) {
                throw new IllegalStateException(
                        "Embedded Kafka broker at " + bootstrapServers + " failed to start: " + e.getMessage(), e.getCause());
            }
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
            awaitClusterAnswers(admin, deadline, bootstrapServers);
            return new EmbeddedKafka(node, overrides, admin, dataDirectory, bootstrapServers);
        } catch (Throwable e) {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
            if (node != null) {
                RuntimeException stopFailure = shutdown(node);
                if (stopFailure != null) {
                    e.addSuppressed(stopFailure);
                }
            }
            try {
                deleteRecursively(dataDirectory);
            } catch (UncheckedIOException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            if (e instanceof Error) {
                throw (Error) e;
            }
            // A checked exception thrown undeclared by Kafka's Scala code.
            throw new IllegalStateException("Embedded Kafka broker failed to start: " + e, e);
        }
    }

    private static void awaitClusterAnswers(Admin admin, long deadline, String bootstrapServers) {
        // startup() has already waited for the broker to be unfenced; this proves a client gets through.
        Exception lastFailure = null;
        while (remainingNanos(deadline) > 0) {
            int timeoutMs = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos(deadline)));
            try {
                if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                        .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).isEmpty()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "Interrupted while waiting for the embedded Kafka broker at " + bootstrapServers, e);
            } catch (ExecutionException | TimeoutException e) {
                lastFailure = e;
            }
        }
        throw new IllegalStateException("Embedded Kafka broker at " + bootstrapServers + " did not answer within "
                + START_DEADLINE.toSeconds() + " s", lastFailure);
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Returns the failure instead of throwing it, so that cleanup continues after it. */
    private static RuntimeException shutdown(KRaftNode node) {
        try {
            node.shutdown();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static Path createDataDirectory() {
        try {
            // named after this process, so that brokers of other builds on the machine are told apart from ours
            return Files.createTempDirectory("embedded-kafka-" + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a data directory for the embedded Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete embedded Kafka data directory " + directory, e);
        }
    }
}
