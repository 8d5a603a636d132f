package dev.unbundled;

import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/** Views in memory: Kafka Streams' in-memory key-value stores. */
public final class InMemoryStore implements ViewStore {
    /** The one instance. */
    public static final InMemoryStore INSTANCE = new InMemoryStore();

    private InMemoryStore() {
    }

    @Override
    public DslStoreSuppliers suppliers() {
        return BuiltInDslStoreSuppliers.IN_MEMORY;
    }

    @Override
    public String toString() {
        return "ViewStore.inMemory()";
    }
}
