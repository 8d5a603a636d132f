package dev.unbundled.benchmarks;

import dev.unbundled.benchmarks.Model.Order;
import dev.unbundled.benchmarks.Model.OrderNote;
import dev.unbundled.benchmarks.Model.Play;
import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.benchmarks.Model.SongPlays;
import dev.unbundled.benchmarks.Model.TopSongs;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The baseline: each view of {@link UnbundledViews} written by hand against Kafka Streams, with the same
 * serdes, the same stores (in memory, or RocksDB where a run says so) and the same settings that change
 * the work done, so that the difference measured is what Unbundled adds.
 */
public final class HandWritten {
    private HandWritten() {
    }

    /**
     * The settings the baseline runs with: Kafka Streams' defaults, except those Unbundled changes by
     * default that change what is computed or stored. Error handlers stay Kafka Streams' own, since
     * they cost nothing until a record fails.
     *
     * @param applicationId the application id
     * @param bootstrapServers the broker
     * @param stateDir where local state goes
     * @return the configuration
     */
    public static Properties config(String applicationId, String bootstrapServers, Path stateDir) {
        Properties config = new Properties();
        config.putAll(sharedSettings());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        return config;
    }

    /**
     * @return the settings both sides run with, as Unbundled sets them by default; the report prints them
     */
    public static Map<String, Object> sharedSettings() {
        Map<String, Object> settings = new TreeMap<>();
        // no record cache: every update reaches the store (and the reader) at once, as in Unbundled
        settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        // no topology optimisation (Kafka Streams' default): a source table keeps a changelog of its own. Unbundled's
        // does not (its topic is its log, every restored record checked); Kafka's own reuse would restore unchecked
        settings.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.NO_OPTIMIZATION);
        // exactly-once, as in Unbundled: it changes the work (transactions, commits every 100 ms); the
        // exactly-once run measures what it costs against at-least-once
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // internal stores (the foreign-key join's subscriptions) in memory too, as in Unbundled
        settings.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
                BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.getName());
        return settings;
    }

    /**
     * @param topic the products topic
     * @return products as a table in an in-memory store named {@link UnbundledViews#PRODUCTS}
     */
    public static Topology products(String topic) {
        return products(topic, Storage.MEMORY);
    }

    /**
     * @param topic the products topic
     * @param storage where the table keeps its rows
     * @return products as a table in a store named {@link UnbundledViews#PRODUCTS}, in memory or on RocksDB
     *     (with Kafka Streams' default RocksDB options)
     */
    public static Topology products(String topic, Storage storage) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(topic, Consumed.with(Serdes.String(), Model.PRODUCT),
                Materialized.<String, Product>as(storage.handWritten(UnbundledViews.PRODUCTS))
                        .withKeySerde(Serdes.String()).withValueSerde(Model.PRODUCT));
        return build(builder);
    }

    /**
     * @param topic the products topic
     * @return products as a table whose store keeps the values as bytes: reads without deserialising
     */
    public static Topology productBytes(String topic) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()),
                inMemory(UnbundledViews.PRODUCTS, Serdes.ByteArray()));
        return build(builder);
    }

    /**
     * @param ordersTopic the orders topic
     * @param productsTopic the products topic
     * @return order notes by a foreign-key join, in a store named {@link UnbundledViews#ORDER_NOTES}
     */
    public static Topology orderNotes(String ordersTopic, String productsTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, Order> orders = builder.table(ordersTopic, Consumed.with(Serdes.String(), Model.ORDER),
                inMemory("orders", Model.ORDER));
        KTable<String, Product> products = builder.table(productsTopic, Consumed.with(Serdes.String(), Model.PRODUCT),
                inMemory("products", Model.PRODUCT));
        orders.join(products, Order::productId, OrderNote::of, TableJoined.as("notes"),
                inMemory(UnbundledViews.ORDER_NOTES, Model.ORDER_NOTE));
        return build(builder);
    }

    /**
     * @param topic the plays topic
     * @return plays per song and top songs per genre, in stores named as the Unbundled views
     */
    public static Topology plays(String topic) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Play> plays = builder.stream(topic, Consumed.with(Serdes.String(), Model.PLAY));
        plays.groupBy((id, play) -> play.songId(), Grouped.with("count-by-song", Serdes.String(), Model.PLAY))
                .count(inMemory(UnbundledViews.SONG_PLAYS, Serdes.Long()));
        KGroupedStream<String, Play> bySong =
                plays.groupBy((id, play) -> play.songId(), Grouped.with("top-by-song", Serdes.String(), Model.PLAY));
        bySong.aggregate(() -> SongPlays.NONE, (song, play, counted) -> counted.plus(play),
                        inMemory("song-plays-by-genre", Model.SONG_PLAYS))
                .groupBy((song, counted) -> KeyValue.pair(counted.genre(), counted),
                        Grouped.with("top-by-genre", Serdes.String(), Model.SONG_PLAYS))
                .aggregate(() -> TopSongs.NONE, (genre, song, top) -> top.with(song),
                        (genre, song, top) -> top.without(song), inMemory(UnbundledViews.TOP_SONGS, Model.TOP_SONGS));
        return build(builder);
    }

    private static <V> Materialized<String, V, KeyValueStore<Bytes, byte[]>> inMemory(String name, Serde<V> values) {
        return Materialized.<String, V>as(Stores.inMemoryKeyValueStore(name))
                .withKeySerde(Serdes.String()).withValueSerde(values);
    }

    private static Topology build(StreamsBuilder builder) {
        return builder.build();
    }
}
