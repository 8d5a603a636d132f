package dev.unbundled.testkit;

import dev.unbundled.DeadLetter;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewStore;
import dev.unbundled.internal.compile.Compiler;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.compile.StoreRouting;
import dev.unbundled.internal.compile.StreamsDefaults;
import dev.unbundled.internal.read.StoreView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

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
 * <p>As a {@code ViewRuntime} runs each view as a Kafka Streams application of its own, the kit runs each view
 * on a driver of its own, compiled alone with the global views it looks up (a global view that no view looks
 * up gets a driver of its own); a record piped into a topic reaches every view that reads it. So a global view
 * of a topic, looked up by one view, and a partitioned view of the same topic run side by side in one kit.
 *
 * <p>Not thread-safe: drive it from the test's thread. Close it to release the drivers' state.
 */
public final class ViewTestKit implements AutoCloseable {
    /** The application id the drivers run under; dead-letter topics are named after it. */
    public static final String APPLICATION_ID = "unbundled-test";
    private static final String KIT_FIX = "kit; pass its definition to ViewTestKit.of(...)";

    private final Path stateDir;
    /** A driver per view given to the kit that is not global, then one per global view none of them looks up. */
    private final List<KitDriver> drivers = new ArrayList<>();
    /** The driver each view is read from: its own, or for a global view that is looked up, the first holding it. */
    private final Map<String, KitDriver> homes = new LinkedHashMap<>();
    private final Map<String, TestInput<?, ?>> inputs = new ConcurrentHashMap<>();
    /** Dead letters of global views, which a driver's global task never hands to Unbundled's handler. */
    private final List<ProducerRecord<byte[], byte[]>> directDeadLetters = new ArrayList<>();
    private volatile boolean closed;

    private ViewTestKit(ViewStore defaultStore, List<DefinitionImpl<?, ?>> definitions) {
        stateDir = createStateDir();
        try {
            List<KitDriver.Compiled> compiled = compile(defaultStore, definitions);
            Map<String, KitDriver.Compiled> owners = new LinkedHashMap<>();
            compiled.forEach(view -> owners.put(view.main().name(), view));
            compiled.forEach(view -> view.views().definitions().keySet()
                    .forEach(name -> owners.putIfAbsent(name, view)));
            for (KitDriver.Compiled view : compiled) {
                Set<String> elsewhere = new HashSet<>(view.views().definitions().keySet());
                elsewhere.removeIf(name -> owners.get(name) == view);
                drivers.add(new KitDriver(view, elsewhere, directDeadLetters::add));
            }
            owners.forEach((name, owner) -> homes.put(name, drivers.get(compiled.indexOf(owner))));
        } catch (RuntimeException | Error e) {
            closeDrivers(e);
            throw e;
        }
    }

    /**
     * Compiles the views as a runtime does: each view that is not global alone, with the global views it looks
     * up; then each global view that none of them looks up, alone.
     */
    private List<KitDriver.Compiled> compile(ViewStore defaultStore, List<DefinitionImpl<?, ?>> definitions) {
        Properties config = kitConfig(defaultStore, definitions);
        List<KitDriver.Compiled> compiled = new ArrayList<>();
        Set<String> held = new HashSet<>();
        for (DefinitionImpl<?, ?> definition : definitions) {
            if (!definition.isGlobal()) {
                KitDriver.Compiled view = KitDriver.Compiled.of(definition, defaultStore, config,
                        stateDir.resolve(String.valueOf(compiled.size())));
                compiled.add(view);
                held.addAll(view.views().definitions().keySet());
            }
        }
        for (DefinitionImpl<?, ?> definition : definitions) {
            if (definition.isGlobal() && held.add(definition.name())) {
                compiled.add(KitDriver.Compiled.of(definition, defaultStore, config,
                        stateDir.resolve(String.valueOf(compiled.size()))));
            }
        }
        return compiled;
    }

    /** @return the settings every driver shares: one runtime's, with the settings of every store choice */
    private static Properties kitConfig(ViewStore defaultStore, List<DefinitionImpl<?, ?>> definitions) {
        Properties config = StreamsDefaults.tunables();
        config.putAll(new StoreRouting(defaultStore, definitions).streamsConfig());
        config.put(StreamsDefaults.RUNTIME_ID, APPLICATION_ID + "-" + UUID.randomUUID());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test-driver:9092");
        // the driver processes each record to the end before pipe returns and never crashes, so exactly-once
        // (the runtime's default) guards nothing here; and its test producer would hold back the dead letters
        // error handlers send until a commit the driver does not make
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        return config;
    }

    /**
     * Creates the drivers' state directory in the build's output directory ({@code target} or {@code build} in
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
            throw new UncheckedIOException("Cannot create a state directory for the test drivers", e);
        }
    }

    /**
     * Starts a test driver for each of the given views, with the global views they look up.
     *
     * @param definitions the views to run
     * @return the kit; close it
     * @throws NullPointerException if a definition is null
     * @throws IllegalArgumentException if no definition is given, two views share a name, or a view both looks
     *     up a global view of a topic and reads that topic partitioned
     */
    public static ViewTestKit of(ViewDefinition<?, ?>... definitions) {
        return of(ViewStore.inMemory(), definitions);
    }

    /**
     * Starts a test driver for each of the given views, with a default store for the views that choose none:
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
     * @throws IllegalArgumentException if no definition is given, two views share a name, or a view both looks
     *     up a global view of a topic and reads that topic partitioned
     */
    public static ViewTestKit of(ViewStore defaultStore, ViewDefinition<?, ?>... definitions) {
        Objects.requireNonNull(defaultStore, "defaultStore");
        Objects.requireNonNull(definitions, "definitions");
        if (definitions.length == 0) {
            throw new IllegalArgumentException("ViewTestKit.of() needs at least one view definition");
        }
        List<DefinitionImpl<?, ?>> given = new ArrayList<>();
        for (ViewDefinition<?, ?> definition : definitions) {
            given.add((DefinitionImpl<?, ?>) Objects.requireNonNull(definition, "definition"));
        }
        // checked as one set, as the views run side by side, though each is compiled on its own
        Compiler.requireConsistent(given);
        Map<String, DefinitionImpl<?, ?>> distinct = new LinkedHashMap<>();
        given.forEach(definition -> distinct.putIfAbsent(definition.name(), definition));
        return new ViewTestKit(defaultStore, List.copyOf(distinct.values()));
    }

    /**
     * The input side of a topic: pipe records and deletes into every view that reads it.
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
        List<KitDriver> readers = drivers.stream().filter(driver -> driver.reads(topic.name())).toList();
        if (readers.isEmpty()) {
            Set<String> read = new LinkedHashSet<>();
            drivers.forEach(driver -> read.addAll(driver.views.viewsByTopic().keySet()));
            throw new IllegalArgumentException("No view of this kit reads topic '" + topic.name() + "'; it reads "
                    + read);
        }
        return (TestInput<K, V>) inputs.computeIfAbsent(topic.name(), name -> new TestInput<>(topic,
                readers.stream().map(driver -> driver.input(name)).toList(),
                readers.stream().anyMatch(driver -> driver.deadLetters.isGlobalTopic(name))
                        ? (key, value, offset) -> checkGlobal(topic, key, value, offset)
                        : (key, value, offset) -> { }));
    }

    /**
     * A driver's global task drops records it cannot read with a log line; a running application sends
     * them to the dead-letter topic. Reading raw records here first keeps the kit faithful to the runtime.
     * Each global view of the topic loses the record once, however many drivers hold it.
     */
    private void checkGlobal(Topic<?, ?> topic, byte[] key, byte[] value, long offset) {
        try {
            topic.keySerde().deserializer().deserialize(topic.name(), key);
            topic.valueSerde().deserializer().deserialize(topic.name(), value);
        } catch (RuntimeException e) {
            // each router writes the letters of the global views it answers for: one letter per global view
            drivers.stream().filter(driver -> driver.deadLetters.isGlobalTopic(topic.name()))
                    .forEach(driver -> driver.deadLetters.deliver(driver.deadLetters.deadLetters(
                            "source." + topic.name(), topic.name(), 0, offset, key, value, e)));
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
        KitDriver home = home(definition.name());
        @SuppressWarnings("unchecked")
        DefinitionImpl<K, V> known = (DefinitionImpl<K, V>) (DefinitionImpl<?, ?>) home.views.definitions()
                .get(definition.name());
        return new StoreView<>(new DriverHost<>(known, home));
    }

    private KitDriver home(String view) {
        KitDriver home = homes.get(view);
        if (home == null) {
            throw new IllegalArgumentException("View '" + view + "' is not part of this " + KIT_FIX
                    + ". Known views: " + homes.keySet());
        }
        return home;
    }

    /**
     * Reads the records that went to a view's dead-letter topic since the last call.
     *
     * @param definition a view of this kit, or a global view one of them looks up
     * @return the new dead letters, oldest first
     * @throws IllegalArgumentException if the kit does not run the view
     */
    public List<DeadLetter> deadLetters(ViewDefinition<?, ?> definition) {
        Objects.requireNonNull(definition, "definition");
        requireOpen();
        String view = definition.name();
        KitDriver home = home(view);
        String topic = home.deadLetters.topicOf(view);
        List<DeadLetter> letters = new ArrayList<>(home.deadLetters(view));
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
        Map<String, Long> counts = new TreeMap<>();
        drivers.forEach(driver -> driver.deadLetters.counts()
                .forEach((view, count) -> counts.merge(view, count, Long::sum)));
        return counts;
    }

    /**
     * The drivers' Kafka Streams metrics, for tests that look beneath the view, such as the
     * {@code num-open-iterators} of a store after a scan was closed. Where drivers have a metric of the same
     * name (their threads', or the store of a global view several views look up), the first driver's is given:
     * for a global view, the driver it is read from.
     *
     * @return the metrics, by name
     */
    public Map<MetricName, ? extends Metric> metrics() {
        requireOpen();
        Map<MetricName, Metric> metrics = new LinkedHashMap<>();
        drivers.forEach(driver -> driver.metrics().forEach(metrics::putIfAbsent));
        return metrics;
    }

    /** @return each view's compiled topology's description, to print when a test needs to know the shape */
    public String describe() {
        StringBuilder description = new StringBuilder();
        drivers.forEach(driver -> description.append("View '").append(driver.main.name()).append("':\n")
                .append(driver.views.topology().describe()).append('\n'));
        return description.toString();
    }

    /** Closes the drivers and deletes their state. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeDrivers(null);
    }

    /** Closes every driver, even when one fails to, then deletes the state; reports failures on {@code failure}. */
    private void closeDrivers(Throwable failure) {
        RuntimeException closing = null;
        for (KitDriver driver : drivers) {
            try {
                driver.close();
            } catch (RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (closing == null) {
                    closing = e;
                } else {
                    closing.addSuppressed(e);
                }
            }
        }
        try {
            Utils.delete(stateDir.toFile());
        } catch (IOException e) {
            UncheckedIOException deleting = new UncheckedIOException("Cannot delete the test drivers' state in "
                    + stateDir, e);
            if (failure != null) {
                failure.addSuppressed(deleting);
            } else if (closing == null) {
                closing = deleting;
            } else {
                closing.addSuppressed(deleting);
            }
        }
        if (closing != null) {
            throw closing;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This ViewTestKit has been closed; create a new one");
        }
    }
}
