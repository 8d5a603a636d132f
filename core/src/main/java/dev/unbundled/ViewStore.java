package dev.unbundled;

import java.util.Map;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * Where a view keeps its rows: in memory (the default, {@link #inMemory()}) or on disk with the
 * {@code unbundled-rocksdb} module's {@code RocksDb.store()}. The choice covers every store the view
 * needs, including those inside its joins and aggregations and those Kafka Streams creates on its own (a
 * foreign-key join's subscription store).
 *
 * <p>A topic that several views read as a table ({@code View.from(topic)}) is kept once, in one store all of
 * them share. That store takes the strongest of their choices: on disk if any of them chose a disk store,
 * and then durable if any of them chose a durable one; in memory only if all of them chose memory (or chose
 * nothing in a runtime whose default is memory). So a RocksDB view never keeps its inputs on the heap, and a
 * durable view resumes without re-reading them, whatever the other views reading the same topics chose.
 *
 * <pre>{@code
 * ViewDefinition<String, OrderNote> notes = View.from(orders)
 *     .join(View.from(products), Order::productId, OrderNote::new)
 *     .materialize("order-notes", Json.serde(OrderNote.class))
 *     .withStore(RocksDb.store());                    // this view on disk
 *
 * ViewRuntime.builder().defaultStore(RocksDb.store()) // or every view that does not choose
 * }</pre>
 *
 * <p>Implemented by Unbundled's store modules; the methods below are how the runtime asks a store
 * choice what it needs, not something views call.
 */
public interface ViewStore {

    /**
     * @return views held in memory: fastest reads, rebuilt from Kafka's changelogs on every start
     */
    static ViewStore inMemory() {
        return InMemoryStore.INSTANCE;
    }

    /** @return the Kafka Streams store suppliers that create this choice's key-value stores */
    DslStoreSuppliers suppliers();

    /**
     * @return true if a view with this choice throws its local state away on start and rebuilds it from
     *     the log, rather than resuming from what it kept on disk
     */
    default boolean wipesLocalStateOnStart() {
        return false;
    }

    /**
     * @return the heap, in bytes, that caches of decoded rows in front of this choice's stores may take in one
     *     runtime (see {@link ViewDefinition#withReadCache}); 0 for none. In-memory stores keep their rows
     *     decoded themselves and need no cache
     */
    default long readCacheBytes() {
        return 0;
    }

    /** @return Kafka Streams settings the runtime needs whenever a view uses this choice */
    default Map<String, Object> streamsConfig() {
        return Map.of();
    }
}
