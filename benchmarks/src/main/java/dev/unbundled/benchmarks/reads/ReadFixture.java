package dev.unbundled.benchmarks.reads;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.benchmarks.HandWritten;
import dev.unbundled.benchmarks.KeyCursor;
import dev.unbundled.benchmarks.Model;
import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.benchmarks.Storage;
import dev.unbundled.benchmarks.UnbundledViews;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stores the read benchmarks read, all filled from one pre-filled products topic on a broker that
 * the launching JVM runs, so that every JMH fork reads the same data without starting a broker or
 * filling a topic of its own. Each fork starts only what its benchmark reads:
 * <ul>
 *   <li>the Unbundled view of the topic ({@code View.from(topic).materialize(...)}), in memory or on
 *       RocksDB ({@code .withStore(RocksDb.store())}),</li>
 *   <li>the raw store of a hand-written Kafka Streams table of the same topic, with the same serdes and
 *       the same kind of store: Unbundled's own {@code KafkaStreams} is not reachable from its API,</li>
 *   <li>the raw store of a table that keeps the values as bytes, to see what deserialising costs,</li>
 *   <li>a {@code HashMap} and a {@code TreeMap} of the same keys and values: the floor.</li>
 * </ul>
 * Where to find the topic comes in system properties, set by {@link ReadBenchmarks}.
 */
public final class ReadFixture {
    static final String BOOTSTRAP = "bench.read.bootstrap";
    static final String TOPIC = "bench.read.topic";
    static final String RECORDS = "bench.read.records";
    static final String FORKED = "bench.read.forked";
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static ReadFixture shared;

    private final String bootstrap;
    private final String topic;
    private final long records;
    private final List<AutoCloseable> running = new ArrayList<>();
    private Path stateRoot;
    private final Map<Storage, ReadOnlyView<String, Product>> views = new EnumMap<>(Storage.class);
    private final Map<Variant, ReadOnlyView<String, Product>> variants = new EnumMap<>(Variant.class);
    private final Map<Storage, ReadOnlyKeyValueStore<String, Product>> stores = new EnumMap<>(Storage.class);
    private final Map<Storage, KafkaStreams> storeApps = new EnumMap<>(Storage.class);
    private List<ReadOnlyKeyValueStore<String, Product>> partitionStores;
    private ReadOnlyKeyValueStore<String, byte[]> bytesStore;
    private TreeMap<String, Product> sorted;
    private HashMap<String, Product> hashed;

    private ReadFixture(String bootstrap, String topic, long records) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.records = records;
    }

    /** @return the fixture of this JVM */
    public static synchronized ReadFixture shared() {
        if (shared == null) {
            shared = new ReadFixture(required(BOOTSTRAP), required(TOPIC), Long.parseLong(required(RECORDS)));
        }
        return shared;
    }

    /** Closes everything the fixture started; the next {@link #shared()} starts afresh. */
    public static synchronized void closeAll() {
        if (shared != null) {
            shared.running.forEach(ReadFixture::closeQuietly);
            if (shared.stateRoot != null) {
                try (Stream<Path> files = Files.walk(shared.stateRoot)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                } catch (IOException e) {
                    // a temporary directory left behind is not worth failing a benchmark for
                }
            }
            shared = null;
        }
    }

    /** Closes everything in a JMH fork, which ends after its one benchmark; in-process runs share the fixture. */
    static void closeIfForked() {
        if (Boolean.getBoolean(FORKED)) {
            closeAll();
        }
    }

    /** @return how many products the topic holds */
    public long records() {
        return records;
    }

    /**
     * @param storage where the view keeps its rows
     * @return the Unbundled view of the topic, holding every product
     */
    public synchronized ReadOnlyView<String, Product> view(Storage storage) {
        ReadOnlyView<String, Product> view = views.get(storage);
        if (view == null) {
            ViewRuntime runtime = ViewRuntime.builder().applicationId("read-view-" + storage.id() + "-" + UUID.randomUUID())
                    .bootstrapServers(bootstrap).stateDir(stateDir())
                    .view(UnbundledViews.products(Model.products(topic), storage))
                    .start();
            running.add(runtime);
            ReadOnlyView<String, Product> started =
                    runtime.view(UnbundledViews.products(Model.products(topic), storage)).awaitReady(PATIENCE);
            awaitFull(key -> started.get(key).isPresent());
            view = started;
            views.put(storage, view);
        }
        return view;
    }

    /** Other in-memory views of the same topic, for what the read cache and indexes change. */
    public enum Variant {
        /** The products view with its read cache off: every read decodes. */
        UNCACHED,
        /** The products view with an index by price. */
        INDEXED,
        /** A second view of the products, keyed by price and name. */
        BY_PRICE
    }

    /**
     * @param variant which view
     * @return it, started and holding every product (the variants share no application)
     */
    public synchronized ReadOnlyView<String, Product> view(Variant variant) {
        ReadOnlyView<String, Product> view = variants.get(variant);
        if (view == null) {
            Topic<String, Product> products = Model.products(topic);
            ViewDefinition<String, Product> definition = switch (variant) {
                case UNCACHED -> UnbundledViews.products(products).withReadCache(false);
                case INDEXED -> UnbundledViews.indexedProducts(products);
                case BY_PRICE -> UnbundledViews.productsByPrice(products);
            };
            ViewRuntime runtime = ViewRuntime.builder()
                    .applicationId("read-" + variant.name().toLowerCase(java.util.Locale.ROOT) + "-" + UUID.randomUUID())
                    .bootstrapServers(bootstrap).stateDir(stateDir()).view(definition).start();
            running.add(runtime);
            ReadOnlyView<String, Product> started = runtime.view(definition).awaitReady(PATIENCE);
            awaitFull(key -> started.get(variant == Variant.BY_PRICE
                    ? UnbundledViews.priceKey(Model.product(Model.productIndex(key), 0)) : key).isPresent());
            view = started;
            variants.put(variant, view);
        }
        return view;
    }

    /**
     * @param storage where the table keeps its rows
     * @return the raw store of a hand-written Kafka Streams table of the topic
     */
    public synchronized ReadOnlyKeyValueStore<String, Product> rawStore(Storage storage) {
        ReadOnlyKeyValueStore<String, Product> store = stores.get(storage);
        if (store == null) {
            KafkaStreams app = start("read-raw-" + storage.id() + "-", HandWritten.products(topic, storage));
            storeApps.put(storage, app);
            store = open(app, StoreQueryParameters.fromNameAndType(UnbundledViews.PRODUCTS,
                    QueryableStoreTypes.keyValueStore()));
            stores.put(storage, store);
        }
        return store;
    }

    /**
     * @return the raw store of each partition of the hand-written in-memory table, asked for by partition:
     *     what a reader that routes each key to its partition itself would read
     */
    public synchronized List<ReadOnlyKeyValueStore<String, Product>> partitionStores() {
        if (partitionStores == null) {
            rawStore(Storage.MEMORY);
            KafkaStreams app = storeApps.get(Storage.MEMORY);
            List<ReadOnlyKeyValueStore<String, Product>> byPartition = new ArrayList<>();
            for (int partition = 0; partition < partitions(); partition++) {
                byPartition.add(app.store(StoreQueryParameters.fromNameAndType(UnbundledViews.PRODUCTS,
                        QueryableStoreTypes.<String, Product>keyValueStore()).withPartition(partition)));
            }
            partitionStores = byPartition;
        }
        return partitionStores;
    }

    /** @return the topic's partition count */
    public int partitions() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic).size();
        }
    }

    /** @return the raw store of a hand-written table that keeps values as bytes */
    public synchronized ReadOnlyKeyValueStore<String, byte[]> bytesStore() {
        if (bytesStore == null) {
            bytesStore = open(start("read-bytes-", HandWritten.productBytes(topic)),
                    StoreQueryParameters.fromNameAndType(UnbundledViews.PRODUCTS, QueryableStoreTypes.keyValueStore()));
        }
        return bytesStore;
    }

    /** @return every product by key, in a {@link HashMap} */
    public synchronized HashMap<String, Product> hashMap() {
        if (hashed == null) {
            hashed = new HashMap<>(sortedMap());
        }
        return hashed;
    }

    /** @return every product by key, in a {@link TreeMap} ordered as the stores order keys */
    public synchronized TreeMap<String, Product> sortedMap() {
        if (sorted == null) {
            sorted = readTopic();
        }
        return sorted;
    }

    private KafkaStreams start(String prefix, Topology topology) {
        String applicationId = prefix + UUID.randomUUID();
        KafkaStreams streams = new KafkaStreams(topology, HandWritten.config(applicationId, bootstrap, stateDir()));
        running.add(() -> streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30))));
        streams.start();
        return streams;
    }

    private <V> ReadOnlyKeyValueStore<String, V> open(KafkaStreams streams,
                                                      StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                ReadOnlyKeyValueStore<String, V> opened = streams.store(query);
                awaitFull(key -> opened.get(key) != null);
                return opened;
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    private TreeMap<String, Product> readTopic() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            TreeMap<String, Product> products = new TreeMap<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (products.size() < records) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    products.put(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8),
                            Model.PRODUCT.deserializer().deserialize(topic, record.value()));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Read only " + products.size() + " of " + records + " from " + topic);
                }
            }
            return products;
        }
    }

    /**
     * Waits until every product can be read: key by key, since a RocksDB store only estimates its count.
     *
     * @param holds whether the store holds the product of a key
     */
    private void awaitFull(java.util.function.Predicate<String> holds) {
        KeyCursor cursor = new KeyCursor(records, i -> holds.test(Model.productKey(i)));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!cursor.reachedEnd()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("A store of " + topic + " does not hold every one of " + records
                        + " products after " + PATIENCE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private Path stateDir() {
        try {
            if (stateRoot == null) {
                stateRoot = Files.createTempDirectory("unbundled-read-bench");
            }
            return Files.createTempDirectory(stateRoot, "app");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set; run the read benchmarks"
                    + " through ReadBenchmarks, which fills the topic they read");
        }
        return value;
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // closing at the end of a run: nothing depends on it any more
        }
    }
}
