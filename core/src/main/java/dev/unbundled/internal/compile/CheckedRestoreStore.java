package dev.unbundled.internal.compile;

import java.io.File;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A source table's store whose restores pass {@link TopicRestores}' checks: when the store it wraps registers
 * its restore callback, the callback is wrapped. Everything else goes to the wrapped store, unchanged.
 *
 * <p>Like {@link OldValueStore}, it is a {@link TimestampedBytesStore} exactly when the store it wraps is, so
 * that Kafka Streams sees the store it wraps.
 */
class CheckedRestoreStore extends ForwardingBytesStore {
    private final RestoreChecks checks;

    CheckedRestoreStore(KeyValueStore<Bytes, byte[]> inner, RestoreChecks checks) {
        super(inner);
        this.checks = checks;
    }

    static CheckedRestoreStore of(KeyValueStore<Bytes, byte[]> inner, RestoreChecks checks) {
        return inner instanceof TimestampedBytesStore ? new Timestamped(inner, checks) : new CheckedRestoreStore(inner, checks);
    }

    /** The wrapper of a timestamped store, a timestamped store itself. */
    static final class Timestamped extends CheckedRestoreStore implements TimestampedBytesStore {
        Timestamped(KeyValueStore<Bytes, byte[]> inner, RestoreChecks checks) {
            super(inner, checks);
        }
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        // Kafka Streams converts what it restores to the root's format: timestamped if any layer is
        boolean timestamped = root != null && WrappedStateStore.isTimestamped(root);
        wrapped().init(new Registering(context, checks, timestamped), root);
    }

    /** The context the wrapped store is initialised with: its restore callback is registered with the checks. */
    private record Registering(StateStoreContext context, RestoreChecks checks, boolean timestamped)
            implements StateStoreContext {
        @Override
        public void register(StateStore store, StateRestoreCallback callback) {
            context.register(store, new TopicRestores.CheckedCallback(callback, checks, timestamped));
        }

        @Override
        public void register(StateStore store, StateRestoreCallback callback, CommitCallback onCommit) {
            context.register(store, new TopicRestores.CheckedCallback(callback, checks, timestamped), onCommit);
        }

        @Override
        public String applicationId() {
            return context.applicationId();
        }

        @Override
        public TaskId taskId() {
            return context.taskId();
        }

        @Override
        public Optional<RecordMetadata> recordMetadata() {
            return context.recordMetadata();
        }

        @Override
        public Serde<?> keySerde() {
            return context.keySerde();
        }

        @Override
        public Serde<?> valueSerde() {
            return context.valueSerde();
        }

        @Override
        public File stateDir() {
            return context.stateDir();
        }

        @Override
        public StreamsMetrics metrics() {
            return context.metrics();
        }

        @Override
        public Map<String, Object> appConfigs() {
            return context.appConfigs();
        }

        @Override
        public Map<String, Object> appConfigsWithPrefix(String prefix) {
            return context.appConfigsWithPrefix(prefix);
        }
    }
}
