package dev.unbundled.internal.run;

import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewStatus.State;
import dev.unbundled.ViewStatus;
import dev.unbundled.internal.compile.StoreRouting;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running view's state as users see it: Kafka Streams' state narrowed to the view's own stores and
 * restores, its lag behind its input topics, and the exception that says why it cannot answer yet.
 */
final class ViewState {
    private static final Logger LOG = LoggerFactory.getLogger(ViewState.class);

    private final Engine engine;
    private final String view;
    private final String storeName;
    private final Set<String> inputTopics;
    private final Rebuild rebuild;

    ViewState(Engine engine, String view, String storeName, Set<String> inputTopics, Rebuild rebuild) {
        this.engine = engine;
        this.rebuild = rebuild;
        this.view = view;
        this.storeName = storeName;
        this.inputTopics = inputTopics;
    }

    /** @return the view's state now; never throws, and a lag it cannot compute is left empty */
    ViewStatus status() {
        State state = state();
        long restoredRecords = engine.restores.restoredRecords(this::holds);
        Optional<Instant> lastUpdate = engine.positions.lastUpdate(inputTopics).stream()
                .mapToObj(Instant::ofEpochMilli).findFirst();
        if (state == State.CLOSED || state == State.ERROR) {
            return new ViewStatus(view, state, restoredRecords, Map.of(), 0, lastUpdate);
        }
        Map<TopicPartition, Long> lag = new HashMap<>();
        try {
            // never waits longer than the brokers' patience, and not at all while they are known to be gone
            long deadline = System.nanoTime() + engine.offsets.patienceNanos();
            InputOffsets.Local assigned = engine.offsets.local();
            Set<TopicPartition> partitions = assigned.partitionsOf(inputTopics);
            if (partitions.isEmpty()) {
                engine.offsets.probe();
            }
            Map<TopicPartition, Long> ends = engine.offsets.endOffsets(view, partitions, false, deadline);
            for (TopicPartition partition : partitions) {
                Long end = ends.get(partition);
                if (end != null) {
                    lag.put(partition, Math.max(0, end - engine.offsets.processed(partition, assigned)));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("View '{}': cannot compute the lag now", view, e);
            lag.clear();
        }
        // the brokers may have been found gone while the lag was computed
        state = state();
        if (state == State.UNREACHABLE || state == State.CLOSED || state == State.ERROR) {
            return new ViewStatus(view, state, restoredRecords, Map.of(), 0, lastUpdate);
        }
        long total = lag.values().stream().mapToLong(Long::longValue).sum();
        return new ViewStatus(view, state, restoredRecords, lag, total, lastUpdate, progress(state));
    }

    State state() {
        if (engine.isClosed()) {
            return State.CLOSED;
        }
        State state = switch (engine.streams.state()) {
            case CREATED -> State.STARTING;
            // Kafka Streams reports a rebalance until every task of a thread is restored
            case REBALANCING -> restoring().isPresent() ? State.RESTORING : State.REBALANCING;
            case RUNNING -> restoring().isPresent() ? State.RESTORING : State.READY;
            case PENDING_ERROR, ERROR -> State.ERROR;
            case PENDING_SHUTDOWN, NOT_RUNNING -> engine.failure() != null ? State.ERROR : State.CLOSED;
        };
        // Kafka Streams keeps running, and says so, while its brokers are gone
        if (state != State.ERROR && state != State.CLOSED && engine.offsets.brokers().unreachable().isPresent()) {
            return State.UNREACHABLE;
        }
        if (!rebuild.isBuilt() && (state == State.READY || state == State.RESTORING || state == State.REBALANCING)) {
            return State.REBUILDING;
        }
        return state;
    }

    /** @return how far a restore or a build has come, in a state that has one */
    Optional<ViewStatus.Restoring> progress(State state) {
        return switch (state) {
            case RESTORING -> restoring();
            case REBUILDING -> Optional.of(rebuild.progress());
            default -> Optional.empty();
        };
    }

    /** @throws dev.unbundled.ViewNotReadyException while the view's version is being built */
    void requireBuilt() {
        if (!rebuild.isBuilt()) {
            throw notReady(null);
        }
    }

    Optional<ViewStatus.Restoring> restoring() {
        return engine.restores.restoring(this::holds);
    }

    /**
     * @param cause what a store threw, or null
     * @return the exception that tells a reader why the view cannot answer now and what to do
     */
    RuntimeException notReady(RuntimeException cause) {
        if (engine.isClosed()) {
            return engine.closedException(view);
        }
        State now = status().state();
        // when Kafka Streams runs but this store is not open on this instance yet, it is being assigned
        State state = now == State.READY ? State.RESTORING : now;
        String unit = state == State.REBUILDING ? " of its input" : "";
        String progress = progress(state).map(r -> " (" + r + unit + ")").orElse("");
        // a new version of a table view loads its table as a restore: the version says which one is loading
        String version = state == State.REBUILDING || state == State.RESTORING ? " version " + engine.version() : "";
        return new ViewNotReadyException(view, state, "View '" + view + "' is " + state + version + progress
                + " and cannot answer yet; " + waitingFor(state), cause != null ? cause : engine.failure());
    }

    /** @return what a reader of a view in this state should do, for messages */
    String waitingFor(State state) {
        return switch (state) {
            case STARTING -> "it is joining the consumer group; call awaitReady(timeout) before reading";
            case RESTORING -> "it is rebuilding its state from Kafka; call awaitReady(timeout) or retry shortly";
            case REBUILDING -> "its definition is new or changed, so it is being built from its input topics and"
                    + " answers once it has read them; call awaitReady(timeout) or retry shortly";
            case REBALANCING -> "its partitions are being assigned; retry shortly or call awaitReady(timeout)";
            case UNREACHABLE -> engine.offsets.brokers().unreachable().orElse("the Kafka brokers did not answer")
                    + "; reads answer from the local state meanwhile, which may be behind. Check that the brokers"
                    + " run and are reachable from this host: the view catches up once they answer";
            case ERROR -> "the runtime stopped after an error (" + engine.failure()
                    + "); see the log and restart the service";
            case READY, CLOSED -> "retry shortly";
        };
    }

    /** @return whether Kafka Streams is running this instance's tasks, as opposed to starting or stopping */
    boolean instanceRuns() {
        return engine.streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Whether a store holds rows of the view: its own store or history, a store of one of its steps (named
     * after it), or the table of an input topic it reads, which views share.
     */
    private boolean holds(String store) {
        if (store.equals(storeName) || view.equals(engine.routing.viewOf(store))) {
            return true;
        }
        return inputTopics.stream().anyMatch(topic -> store.equals(StoreRouting.tableStore(topic)));
    }
}
