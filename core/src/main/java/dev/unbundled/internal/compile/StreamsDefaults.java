package dev.unbundled.internal.compile;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings every Unbundled topology runs with, in the runtime and in the testkit. */
public final class StreamsDefaults {
    /** The config key of a runtime's unique id, for resources shared by its stores (a RocksDB memory budget). */
    public static final String RUNTIME_ID = "unbundled.runtime.id";

    private StreamsDefaults() {
    }

    /** Records per poll of the restore consumer: ten times Kafka Streams' 1,000. */
    static final int RESTORE_POLL_RECORDS = 10_000;
    /** Bytes per partition of one fetch of the restore consumer: eight times Kafka's 1 MiB. */
    static final int RESTORE_PARTITION_FETCH_BYTES = 8 << 20;

    /** Bytes of one producer batch (a changelog's, a repartition topic's): sixteen times Kafka's 16 KiB. */
    static final int PRODUCER_BATCH_BYTES = 256 << 10;

    /** The producer's first wait before retrying, such as a write refused until the last commit completes. */
    static final int PRODUCER_RETRY_BACKOFF_MS = 10;
    /** The producer's longest wait before retrying. */
    static final int PRODUCER_RETRY_BACKOFF_MAX_MS = 100;

    /**
     * @return settings a user may override: a view is kept up to date as records arrive, so no record
     *     cache holds updates back until the next commit; views run exactly-once, so that a crash neither
     *     double-counts nor leaves a stale row; and a view rebuilds and restores in large batches (the
     *     figures are in BENCHMARKS.md, rebuild run)
     */
    public static Properties tunables() {
        Properties config = new Properties();
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        // a crash under at-least-once replays what was processed since the last commit: an event aggregation
        // counts it twice, and a table view can keep a row its query no longer has
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A restore copies changelog batches into the store: each poll's records go to the store in one batch
        // (one RocksDB write batch). With 10,000 records and 8 MiB per partition instead of 1,000 and 1 MiB, a
        // RocksDB view restored 500,000 products about twice as fast on two cores, an in-memory view ~1.2x as
        // fast; the restore consumer reads nothing else, so freshness is not touched. The restore.consumer.
        // prefix wins over a plain max.poll.records a user sets: setting these keys replaces them.
        config.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), RESTORE_POLL_RECORDS);
        config.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                RESTORE_PARTITION_FETCH_BYTES);
        // A rebuild writes every row to the view's changelog as fast as it reads: in batches of up to 256 KiB
        // instead of 16 KiB (fewer, larger produce requests), a rebuild under a new application id ran
        // 1.3-1.6x as fast in memory and on RocksDB. batch.size only caps a batch: at a steady rate batches
        // still leave at linger.ms or at a commit, so records are not held back longer.
        config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        // Under exactly-once the first write of a transaction to a partition is refused (CONCURRENT_TRANSACTIONS)
        // until the broker has written the last commit's markers there, and the producer retries after
        // retry.backoff.ms, 100 ms growing to 1 s: a stall after every commit. Retrying after 10 ms, at most
        // 100 ms, made exactly-once views maintain ~1.5x as many records/s on two cores.
        config.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), PRODUCER_RETRY_BACKOFF_MS);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG),
                PRODUCER_RETRY_BACKOFF_MAX_MS);
        return config;
    }

    /**
     * @param routing the store of each view
     * @return the settings that shape the topology itself
     */
    public static Properties topologyConfig(StoreRouting routing) {
        Properties config = new Properties();
        config.put(StoreRouting.CONFIG, routing);
        // A source table's topic is its changelog: no write per record to a changelog of its own, and a new view
        // loads its table as a restore. Kafka Streams restores a source table by copying bytes unread, so every
        // restored record passes the checks its source applies (TopicRestores): a record that went to the
        // dead-letter topic when it arrived never comes back as an unreadable row.
        config.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        // the compiler chooses each named store's type; stores Kafka Streams creates on its own inside an
        // operator (a foreign-key join's subscription store) are routed by their names the same way
        config.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, RoutedStoreSuppliers.class);
        // a generated name would change when views are added, and state would silently not be found again
        config.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // reads see a view as its stream thread writes it, transaction buffer included, also for a user who
        // turns transactional stores on: a read-your-writes wait ends once a record is applied, before its
        // commit, and every read path must agree on that
        config.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_UNCOMMITTED");
        // global views get the same error handling as the rest; Kafka 5.0 makes this the default
        config.put("processing.exception.handler.global.enabled", true);
        return config;
    }
}
