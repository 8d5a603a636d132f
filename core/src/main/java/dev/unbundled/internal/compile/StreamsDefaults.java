package dev.unbundled.internal.compile;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings every Unbundled topology runs with, in the runtime and in the testkit. */
public final class StreamsDefaults {
    /** The config key of a runtime's unique id, for resources shared by its stores (a RocksDB memory budget). */
    public static final String RUNTIME_ID = "unbundled.runtime.id";

    private StreamsDefaults() {
    }

    /**
     * @return settings a user may override: a view is kept up to date as records arrive, so no record
     *     cache holds updates back until the next commit; and views run exactly-once, so that a crash neither
     *     double-counts nor leaves a stale row
     */
    public static Properties tunables() {
        Properties config = new Properties();
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        // a crash under at-least-once replays what was processed since the last commit: an event aggregation
        // counts it twice, and a table view can keep a row its query no longer has
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return config;
    }

    /**
     * @param routing the store of each view
     * @return the settings that shape the topology itself
     */
    public static Properties topologyConfig(StoreRouting routing) {
        Properties config = new Properties();
        config.put(StoreRouting.CONFIG, routing);
        // Not reuse.ktable.source.topics: restoring a source table from its own topic copies every record's
        // bytes into the store unread, so a record that went to the dead-letter topic when it arrived would
        // come back as an unreadable row after the next restart. The changelog holds only what was applied.
        config.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.NO_OPTIMIZATION);
        // the compiler chooses each named store's type; stores Kafka Streams creates on its own inside an
        // operator (a foreign-key join's subscription store) are routed by their names the same way
        config.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, RoutedStoreSuppliers.class);
        // a generated name would change when views are added, and state would silently not be found again
        config.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // global views get the same error handling as the rest; Kafka 5.0 makes this the default
        config.put("processing.exception.handler.global.enabled", true);
        return config;
    }
}
