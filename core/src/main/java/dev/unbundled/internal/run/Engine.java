package dev.unbundled.internal.run;

import dev.unbundled.ReadListener;
import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.Positions;
import dev.unbundled.internal.compile.StoreRouting;
import dev.unbundled.remote.Transport;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.TopologyDescription;

/**
 * One Kafka Streams application of a runtime: a view compiled alone (with the global views it looks up),
 * the {@link KafkaStreams} instance that runs it, its clients and offsets, and whether it has been closed or
 * has failed. A runtime runs one engine per view, so that each view's state, consumer group and internal
 * topics belong to that view's fingerprint alone: a changed view rebuilds without disturbing the others.
 */
final class Engine {
    private static final long LAG_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** The runtime's application id, as the user gave it: for messages. */
    final String runtimeId;
    /** This engine's Kafka Streams application id: {@code <runtime id>.<view>.<fingerprint>}. */
    final String applicationId;
    final CompiledViews views;
    /** The topology's description, made once: each view looks up the sub-topology that holds its store. */
    final TopologyDescription description;
    final StoreRouting routing;
    final KafkaStreams streams;
    /** Kafka Streams' clients, for the producers a read-your-writes wait flushes. */
    final FlushableClients clients;
    final InputOffsets offsets;
    final Positions positions;
    final RestoreProgress restores;
    /** Where the application's bad records go. */
    final DeadLetterRouter deadLetters;
    /** This instance's advertised address, {@code host:port}, or {@code "local"}. */
    final String instance;
    /** How reads reach other instances; null if this runtime advertises none. */
    final Transport transport;
    /** What hears every read; null if nothing does. */
    final ReadListener readListener;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile Cached<Map<String, Map<Integer, LagInfo>>> lags;

    Engine(String runtimeId, String applicationId, CompiledViews views, StoreRouting routing, KafkaStreams streams,
           FlushableClients clients, InputOffsets offsets, RestoreProgress restores, DeadLetterRouter deadLetters,
           String instance,
           Transport transport, ReadListener readListener) {
        this.runtimeId = runtimeId;
        this.applicationId = applicationId;
        this.views = views;
        this.description = views.topology().describe();
        this.routing = routing;
        this.streams = streams;
        this.clients = clients;
        this.offsets = offsets;
        this.positions = views.positions();
        this.restores = restores;
        this.deadLetters = deadLetters;
        this.instance = instance;
        this.transport = transport;
        this.readListener = readListener;
    }

    /**
     * @param view a view this engine runs
     * @return the internal topics its records cross, by their full names (the application id first)
     */
    Set<String> internalTopics(String view) {
        Set<String> topics = new TreeSet<>();
        views.internalTopics(view).forEach(topic -> topics.add(applicationId + "-" + topic));
        return topics;
    }

    /** @return the fingerprint of the view this engine runs: the last part of its application id */
    String version() {
        return applicationId.substring(applicationId.lastIndexOf('.') + 1);
    }

    boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** @return why a stream thread stopped the runtime, or null */
    Throwable failure() {
        return failure;
    }

    void fail(Throwable error) {
        failure = error;
    }

    /** @throws IllegalStateException naming the view and the fix, once the runtime has been closed */
    void requireOpen(String view) {
        if (closed) {
            throw closedException(view);
        }
    }

    IllegalStateException closedException(String view) {
        return new IllegalStateException("View '" + view + "' belongs to runtime '" + runtimeId
                + "', which has been closed; build and start a new ViewRuntime to read it again");
    }

    /**
     * @return how many records each local store partition is behind its changelog, by store and partition,
     *     asked of Kafka Streams at most every 250 ms
     * @throws org.apache.kafka.streams.errors.StreamsException if Kafka Streams cannot tell now
     */
    Map<String, Map<Integer, LagInfo>> storeLags() {
        Cached<Map<String, Map<Integer, LagInfo>>> cached = lags;
        long generation = storeGeneration();
        // a lag describes the store instances it was asked about: once a store opens or closes, ask again
        if (cached == null || cached.generation() != generation
                || System.nanoTime() - cached.atNanos() > LAG_REFRESH_NANOS) {
            cached = new Cached<>(streams.allLocalStorePartitionLags(), System.nanoTime(), generation);
            lags = cached;
        }
        return cached.value();
    }

    /** @return a number that changes whenever a view's store opens or closes here ({@code Changes#storeGeneration}) */
    long storeGeneration() {
        return views.changes().storeGeneration();
    }

    private record Cached<T>(T value, long atNanos, long generation) {
    }
}
