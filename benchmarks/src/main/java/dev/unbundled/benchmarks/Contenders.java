package dev.unbundled.benchmarks;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.testkit.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Starts the two kinds of {@link Contender}. */
public final class Contenders {
    /** The name of the Unbundled side in every figure. */
    public static final String UNBUNDLED = "Unbundled";
    /** The name of the hand-written side in every figure. */
    public static final String HAND_WRITTEN = "hand-written Kafka Streams";

    private Contenders() {
    }

    /**
     * Starts Unbundled's runtime with its default settings.
     *
     * @param kafka the broker
     * @param applicationId a fresh application id, or one used before to restore from it
     * @param stateDir where local state goes
     * @param views the views to run
     * @return the running contender
     */
    public static Contender unbundled(EmbeddedKafka kafka, String applicationId, Path stateDir,
                                      ViewDefinition<?, ?>... views) {
        return unbundled(kafka, applicationId, stateDir, Map.of(), views);
    }

    /**
     * Starts Unbundled's runtime with some Kafka Streams properties set through
     * {@link ViewRuntime.Builder#property}, on top of those of {@code bench.unbundledProperties}
     * ({@code key=value,key=value}: a way to try a setting on every run without rebuilding).
     *
     * @param kafka the broker
     * @param applicationId a fresh application id, or one used before to restore from it
     * @param stateDir where local state goes
     * @param properties Kafka Streams properties to set, such as {@code processing.guarantee}
     * @param views the views to run
     * @return the running contender
     */
    public static Contender unbundled(EmbeddedKafka kafka, String applicationId, Path stateDir,
                                      Map<String, ?> properties, ViewDefinition<?, ?>... views) {
        ViewRuntime.Builder builder = ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(kafka.bootstrapServers()).stateDir(stateDir);
        Map<String, Object> all = new LinkedHashMap<>(tried());
        all.putAll(properties);
        all.forEach(builder::property);
        Map<String, ViewDefinition<?, ?>> byName = new LinkedHashMap<>();
        for (ViewDefinition<?, ?> view : views) {
            builder.view(view);
            byName.put(view.name(), view);
        }
        return new UnbundledContender(builder.start(), applicationId, byName);
    }

    /** @return the properties of {@code bench.unbundledProperties}, {@code key=value,key=value} */
    static Map<String, String> tried() {
        List<Map<String, String>> sets = propertySets("bench.unbundledProperties");
        return sets.isEmpty() ? Map.of() : sets.get(0);
    }

    /**
     * @param systemProperty a system property holding sets of properties: {@code key=value,key=value;key=value}
     * @return the sets, each in key order; empty if the system property is not set
     */
    static List<Map<String, String>> propertySets(String systemProperty) {
        List<Map<String, String>> sets = new ArrayList<>();
        for (String set : System.getProperty(systemProperty, "").split(";")) {
            Map<String, String> properties = new TreeMap<>();
            for (String pair : set.split(",")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    properties.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
                }
            }
            if (!properties.isEmpty()) {
                sets.add(properties);
            }
        }
        return sets;
    }

    /**
     * Starts a hand-written topology with {@link HandWritten#config} settings.
     *
     * @param kafka the broker
     * @param applicationId a fresh application id, or one used before to restore from it
     * @param stateDir where local state goes
     * @param topology the hand-written topology
     * @return the running contender
     */
    public static Contender handWritten(EmbeddedKafka kafka, String applicationId, Path stateDir, Topology topology) {
        Properties config = HandWritten.config(applicationId, kafka.bootstrapServers(), stateDir);
        KafkaStreams streams = new KafkaStreams(topology, config);
        streams.start();
        return new StreamsContender(streams, applicationId);
    }

    /**
     * A thread left running would take CPU from the next measured run: make sure there is none.
     *
     * @param applicationId the id in the name of every thread of the application
     * @throws IllegalStateException if some still run after 30 seconds
     */
    static void awaitThreadsGone(String applicationId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!CpuClock.liveThreads(applicationId).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Threads of " + applicationId + " still run after it was closed: "
                        + CpuClock.liveThreads(applicationId));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /**
     * @param contender an Unbundled contender
     * @param definition one of its views
     * @return the view, to read beyond {@link Contender#reader} (its indexes, scans)
     */
    public static <K, V> ReadOnlyView<K, V> view(Contender contender, ViewDefinition<K, V> definition) {
        return ((UnbundledContender) contender).runtime.view(definition);
    }

    private static final class UnbundledContender implements Contender {
        private final ViewRuntime runtime;
        private final String applicationId;
        private final Map<String, ViewDefinition<?, ?>> views;

        UnbundledContender(ViewRuntime runtime, String applicationId, Map<String, ViewDefinition<?, ?>> views) {
            this.runtime = runtime;
            this.applicationId = applicationId;
            this.views = views;
        }

        @Override
        public String kind() {
            return UNBUNDLED;
        }

        @Override
        public String threadTag() {
            return applicationId;
        }

        @Override
        public void awaitReady(Duration timeout) {
            // not ReadOnlyView.awaitReady, which also waits until the view has caught up with its topics: this
            // returns when the application can answer, as Kafka Streams' RUNNING does (for a new view, that is
            // once it is built; the measured windows open before start() on both sides, so that does not matter)
            long deadline = System.nanoTime() + timeout.toNanos();
            for (ViewDefinition<?, ?> definition : views.values()) {
                ReadOnlyView<?, ?> view = runtime.view(definition);
                while (!answers(view)) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException(applicationId + ": view " + view.name() + " is "
                                + view.status() + " after " + timeout);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }

        private static boolean answers(ReadOnlyView<?, ?> view) {
            if (!view.status().isReady()) {
                return false;
            }
            try {
                view.approximateCount();
                return true;
            } catch (ViewNotReadyException e) {
                return false;
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public <K, V> Reader<K, V> reader(String view) {
            ReadOnlyView<K, V> read = runtime.view((ViewDefinition<K, V>) views.get(view));
            return new Reader<>() {
                @Override
                public V get(K key) {
                    return read.get(key).orElse(null);
                }

                @Override
                public long count() {
                    return read.approximateCount();
                }
            };
        }

        @Override
        public void close() {
            runtime.close();
            awaitThreadsGone(applicationId);
        }
    }

    private static final class StreamsContender implements Contender {
        private final KafkaStreams streams;
        private final String applicationId;

        StreamsContender(KafkaStreams streams, String applicationId) {
            this.streams = streams;
            this.applicationId = applicationId;
        }

        @Override
        public String kind() {
            return HAND_WRITTEN;
        }

        @Override
        public String threadTag() {
            return applicationId;
        }

        @Override
        public void awaitReady(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() - deadline > 0 || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(applicationId + " is " + streams.state() + " after " + timeout);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }

        @Override
        public <K, V> Reader<K, V> reader(String view) {
            ReadOnlyKeyValueStore<K, V> store = store(view);
            return new Reader<>() {
                @Override
                public V get(K key) {
                    return store.get(key);
                }

                @Override
                public long count() {
                    return store.approximateNumEntries();
                }
            };
        }

        /**
         * @param name the store's name
         * @param <K> the key type
         * @param <V> the value type
         * @return the store, once Kafka Streams opens it to queries
         */
        <K, V> ReadOnlyKeyValueStore<K, V> store(String name) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (true) {
                try {
                    ReadOnlyKeyValueStore<K, V> store = streams.store(
                            StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
                    store.approximateNumEntries();
                    return store;
                } catch (InvalidStateStoreException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw e;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }

        @Override
        public void close() {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            awaitThreadsGone(applicationId);
        }
    }
}
