package dev.unbundled.testkit;

import dev.unbundled.ChangeListener;
import dev.unbundled.DeadLetter;
import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewStatus;
import dev.unbundled.ViewStore;
import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.Compiler;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.compile.StoreRouting;
import dev.unbundled.internal.compile.StoredValues;
import dev.unbundled.internal.compile.StreamsDefaults;
import dev.unbundled.internal.read.StoreView;
import dev.unbundled.internal.read.ViewHost;
import dev.unbundled.internal.run.DeadLetterHandler;
import dev.unbundled.internal.run.DeadLetterRouter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Runs view definitions on Kafka Streams' {@link TopologyTestDriver}: no broker, no threads, every
 * record processed before {@code pipe} returns. Views read through {@link #view} are the same
 * {@link ReadOnlyView} a {@code ViewRuntime} hands out, so tests exercise the real read path.
 *
 * <pre>{@code
 * try (ViewTestKit kit = ViewTestKit.of(ORDER_NOTES)) {
 *     kit.input(PRODUCTS).pipe("p-1", new Product("p-1", "Lamp"));
 *     kit.input(ORDERS).pipe("o-1", new Order("p-1", 2));
 *     assertThat(kit.view(ORDER_NOTES)).containsEntry("o-1", new OrderNote("o-1", "Lamp", 2));
 * }
 * }</pre>
 *
 * <p>Not thread-safe: drive it from the test's thread. Close it to release the driver's state.
 */
public final class ViewTestKit implements AutoCloseable {
    /** The application id the driver runs under; dead-letter topics are named after it. */
    public static final String APPLICATION_ID = "unbundled-test";
    private static final String KIT_FIX = "kit; pass its definition to ViewTestKit.of(...)";

    private final CompiledViews views;
    private final DeadLetterRouter deadLetters;
    private final TopologyTestDriver driver;
    private final Path stateDir;
    private final Map<String, TestInput<?, ?>> inputs = new ConcurrentHashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> deadLetterTopics = new ConcurrentHashMap<>();
    /** Dead letters of global views, which the driver's global task never hands to Unbundled's handler. */
    private final List<ProducerRecord<byte[], byte[]>> directDeadLetters = new ArrayList<>();
    private volatile boolean closed;

    private ViewTestKit(ViewStore defaultStore, List<DefinitionImpl<?, ?>> definitions) {
        stateDir = createStateDir();
        StoreRouting routing = new StoreRouting(defaultStore, definitions);
        Properties config = StreamsDefaults.tunables();
        config.putAll(routing.streamsConfig());
        config.put(StreamsDefaults.RUNTIME_ID, APPLICATION_ID + "-" + UUID.randomUUID());
        config.putAll(StreamsDefaults.topologyConfig(routing));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test-driver:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // the driver processes each record to the end before pipe returns and never crashes, so exactly-once
        // (the runtime's default) guards nothing here; and its test producer would hold back the dead letters
        // error handlers send until a commit the driver does not make
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        views = Compiler.compile(definitions, config);
        deadLetters = new DeadLetterRouter(APPLICATION_ID, views, directDeadLetters::add);
        config.putAll(DeadLetterHandler.streamsConfig(APPLICATION_ID, deadLetters, routing));
        driver = new TopologyTestDriver(views.topology(), config);
    }

    /**
     * Creates the driver's state directory in the build's output directory ({@code target} or {@code build} in
     * the working directory) where there is one: Kafka Streams warns about a state directory in the OS temp
     * directory, which the OS may clear, and the warning would be noise in every test. Elsewhere, the OS temp
     * directory: a kit's state lives only as long as the kit.
     */
    private static Path createStateDir() {
        try {
            for (String output : List.of("target", "build")) {
                Path dir = Path.of(output);
                if (Files.isDirectory(dir) && Files.isWritable(dir)) {
                    // relative, as Kafka Streams compares the configured text with the OS temp directory's path:
                    // a build directory inside the OS temp directory (a clone in /tmp) is no cause for a warning
                    return Files.createTempDirectory(dir, "unbundled-testkit");
                }
            }
            return Files.createTempDirectory("unbundled-testkit");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a state directory for the test driver", e);
        }
    }

    /**
     * Starts a test driver running the given views, with the global views they look up.
     *
     * @param definitions the views to run
     * @return the kit; close it
     * @throws NullPointerException if a definition is null
     * @throws IllegalArgumentException if no definition is given or two views share a name
     */
    public static ViewTestKit of(ViewDefinition<?, ?>... definitions) {
        return of(ViewStore.inMemory(), definitions);
    }

    /**
     * Starts a test driver running the given views, with a default store for the views that choose none:
     * the way to run the same test over every store type.
     *
     * <pre>{@code
     * try (ViewTestKit kit = ViewTestKit.of(RocksDb.store(), ORDER_NOTES)) { ... }
     * }</pre>
     *
     * @param defaultStore where views that choose no store keep their rows
     * @param definitions the views to run
     * @return the kit; close it
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if no definition is given or two views share a name
     */
    public static ViewTestKit of(ViewStore defaultStore, ViewDefinition<?, ?>... definitions) {
        Objects.requireNonNull(defaultStore, "defaultStore");
        Objects.requireNonNull(definitions, "definitions");
        if (definitions.length == 0) {
            throw new IllegalArgumentException("ViewTestKit.of() needs at least one view definition");
        }
        List<DefinitionImpl<?, ?>> all = new ArrayList<>();
        Arrays.stream(definitions).forEach(d -> all.add((DefinitionImpl<?, ?>) Objects.requireNonNull(d, "definition")));
        return new ViewTestKit(defaultStore, all);
    }

    /**
     * The input side of a topic: pipe records and deletes into the views that read it.
     *
     * @param topic a topic one of the views reads
     * @param <K> the key type
     * @param <V> the value type
     * @return the topic's input, the same each time
     * @throws IllegalArgumentException if no view reads the topic
     */
    @SuppressWarnings("unchecked")
    public <K, V> TestInput<K, V> input(Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        requireOpen();
        if (!views.viewsByTopic().containsKey(topic.name())) {
            throw new IllegalArgumentException("No view of this kit reads topic '" + topic.name() + "'; it reads "
                    + views.viewsByTopic().keySet());
        }
        return (TestInput<K, V>) inputs.computeIfAbsent(topic.name(), name -> new TestInput<>(topic,
                driver.createInputTopic(name, topic.keySerde().serializer(), topic.valueSerde().serializer()),
                driver.createInputTopic(name, new ByteArraySerializer(), new ByteArraySerializer()),
                deadLetters.isGlobalTopic(name) ? (key, value, offset) -> checkGlobal(topic, key, value, offset)
                        : (key, value, offset) -> { }));
    }

    /**
     * The driver's global task drops records it cannot read with a log line; a running application sends
     * them to the dead-letter topic. Reading raw records here first keeps the kit faithful to the runtime.
     */
    private void checkGlobal(Topic<?, ?> topic, byte[] key, byte[] value, long offset) {
        try {
            topic.keySerde().deserializer().deserialize(topic.name(), key);
            topic.valueSerde().deserializer().deserialize(topic.name(), value);
        } catch (RuntimeException e) {
            deadLetters.deliver(deadLetters.deadLetters("source." + topic.name(), topic.name(), 0, offset, key, value, e));
        }
    }

    /**
     * Reads a view, exactly as a {@code ViewRuntime} would hand it out. Always {@code READY}.
     *
     * @param definition a view of this kit, or a global view one of them looks up
     * @param <K> the key type
     * @param <V> the value type
     * @return the view
     * @throws IllegalArgumentException if the kit does not run the view
     */
    public <K, V> ReadOnlyView<K, V> view(ViewDefinition<K, V> definition) {
        Objects.requireNonNull(definition, "definition");
        requireOpen();
        @SuppressWarnings("unchecked")
        DefinitionImpl<K, V> known = (DefinitionImpl<K, V>) (DefinitionImpl<?, ?>) views.definition(definition.name(), KIT_FIX);
        return new StoreView<>(new Host<>(known));
    }

    /**
     * Reads the records that went to a view's dead-letter topic since the last call.
     *
     * @param definition a view of this kit
     * @return the new dead letters, oldest first
     * @throws IllegalArgumentException if the kit does not run the view
     */
    public List<DeadLetter> deadLetters(ViewDefinition<?, ?> definition) {
        Objects.requireNonNull(definition, "definition");
        requireOpen();
        views.definition(definition.name(), KIT_FIX);
        String topic = deadLetters.topicOf(definition.name());
        TestOutputTopic<byte[], byte[]> output = deadLetterTopics.computeIfAbsent(topic,
                name -> driver.createOutputTopic(name, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        List<DeadLetter> letters = new ArrayList<>();
        if (driver.producedTopicNames().contains(topic)) {
            output.readRecordsToList().forEach(r -> letters.add(DeadLetter.of(r.headers(), r.key(), r.value())));
        }
        directDeadLetters.removeIf(r -> {
            if (r.topic().equals(topic)) {
                letters.add(DeadLetter.of(r.headers(), r.key(), r.value()));
                return true;
            }
            return false;
        });
        return letters;
    }

    /** @return how many records went to each view's dead-letter topic, by view name */
    public Map<String, Long> deadLetterCounts() {
        return deadLetters.counts();
    }

    /**
     * The driver's Kafka Streams metrics, for tests that look beneath the view, such as the
     * {@code num-open-iterators} of a store after a scan was closed.
     *
     * @return the metrics, by name
     */
    public Map<MetricName, ? extends Metric> metrics() {
        requireOpen();
        return driver.metrics();
    }

    /** @return the compiled topology's description, to print when a test needs to know the shape */
    public String describe() {
        return views.topology().describe().toString();
    }

    /** Closes the driver and deletes its state. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        views.changes().closeAll();
        try {
            driver.close();
        } finally {
            try {
                Utils.delete(stateDir.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete the test driver's state in " + stateDir, e);
            }
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This ViewTestKit has been closed; create a new one");
        }
    }

    /** The driver as one view's host: always ready while open. */
    private final class Host<K, V> implements ViewHost<K, V> {
        private final DefinitionImpl<K, V> definition;

        Host(DefinitionImpl<K, V> definition) {
            this.definition = definition;
        }

        @Override
        public String name() {
            return definition.name();
        }

        @Override
        public Serde<K> keySerde() {
            return definition.keySerde();
        }

        @Override
        public Serde<V> valueSerde() {
            return definition.valueSerde();
        }

        @Override
        @SuppressWarnings("unchecked")
        public ReadOnlyKeyValueStore<K, V> store() {
            if (closed) {
                throw new IllegalStateException("View '" + name() + "' belongs to a closed ViewTestKit; create a new one");
            }
            return (ReadOnlyKeyValueStore<K, V>) (ReadOnlyKeyValueStore<?, ?>) StoredValues.unwrapping(
                    driver.getTimestampedKeyValueStore(views.storeNames().get(name())));
        }

        @Override
        public V getAsOf(K key, long asOfMillis) {
            store();
            String history = views.historyStore(name());
            if (asOfMillis < 0) {
                return null;
            }
            VersionedRecord<V> version = driver.<K, V>getVersionedKeyValueStore(history).get(key, asOfMillis);
            return version == null ? null : version.value();
        }

        /** Every piped record is processed before {@code pipe} returns: the view is never behind. */
        @Override
        public ViewStatus status() {
            if (closed) {
                return new ViewStatus(name(), ViewStatus.State.CLOSED, 0);
            }
            Set<String> topics = views.inputTopics(name());
            Map<TopicPartition, Long> lag = new HashMap<>();
            views.positions().snapshot().keySet().forEach(partition -> {
                if (topics.contains(partition.topic())) {
                    lag.put(partition, 0L);
                }
            });
            return new ViewStatus(name(), ViewStatus.State.READY, 0, lag, 0,
                    views.positions().lastUpdate(topics).stream().mapToObj(Instant::ofEpochMilli).findFirst());
        }

        @Override
        public void awaitReady(Duration timeout) {
            store();
        }

        @Override
        public Subscription subscribe(ChangeListener<K, V> listener, int capacity) {
            store();
            return views.changes().subscribe(name(), listener, capacity);
        }

        @Override
        public void awaitFreshness(Freshness freshness, Duration timeout) {
            store();
            views.requireReadsAll(name(), freshness);
        }

        @Override
        public RuntimeException notReady(RuntimeException cause) {
            return new ViewNotReadyException(name(), status().state(), "View '" + name() + "' cannot be read: "
                    + cause.getMessage(), cause);
        }
    }
}
