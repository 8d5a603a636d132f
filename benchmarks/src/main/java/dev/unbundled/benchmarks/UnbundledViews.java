package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.benchmarks.Model.Order;
import dev.unbundled.benchmarks.Model.OrderNote;
import dev.unbundled.benchmarks.Model.Play;
import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.benchmarks.Model.SongPlays;
import dev.unbundled.benchmarks.Model.TopSongs;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The views of each run as a user writes them with Unbundled's DSL. {@link HandWritten} holds the same
 * views written directly against Kafka Streams; the two classes change together.
 */
public final class UnbundledViews {
    /** The name of every product view, and of the store behind it. */
    public static final String PRODUCTS = "products";
    /** The name of the order-notes view. */
    public static final String ORDER_NOTES = "order-notes";
    /** The name of the plays-per-song view. */
    public static final String SONG_PLAYS = "song-plays";
    /** The name of the top-songs-per-genre view. */
    public static final String TOP_SONGS = "top-songs";

    private UnbundledViews() {
    }

    /**
     * @param products the products topic
     * @return product id to product: the topic as a table
     */
    public static ViewDefinition<String, Product> products(Topic<String, Product> products) {
        return View.from(products).materialize(PRODUCTS);
    }

    /**
     * @param products the products topic
     * @param storage where the view keeps its rows
     * @return product id to product, as {@link #products(Topic)}; on RocksDB {@code .withStore(RocksDb.store())}
     */
    public static ViewDefinition<String, Product> products(Topic<String, Product> products, Storage storage) {
        // the in-memory view stays exactly what a user writes, with no store chosen
        return storage == Storage.MEMORY ? products(products) : products(products).withStore(storage.unbundled());
    }

    /**
     * @param orders the orders topic
     * @param products the products topic
     * @return order id to order note, by a foreign-key join on the order's product id
     */
    public static ViewDefinition<String, OrderNote> orderNotes(Topic<String, Order> orders,
                                                               Topic<String, Product> products) {
        return View.from(orders)
                .join(View.from(products), Order::productId, OrderNote::of)
                .materialize(ORDER_NOTES, Model.ORDER_NOTE);
    }

    /**
     * @param plays the play events
     * @return song id to how often it was played
     */
    public static ViewDefinition<String, Long> songPlays(Topic<String, Play> plays) {
        return View.events(plays).groupBy(Play::songId, Serdes.String()).count().materialize(SONG_PLAYS);
    }

    /**
     * @param plays the play events
     * @return genre to its five most played songs (the Kafka Music shape)
     */
    public static ViewDefinition<String, TopSongs> topSongs(Topic<String, Play> plays) {
        return View.events(plays)
                .groupBy(Play::songId, Serdes.String())
                .aggregate(() -> SongPlays.NONE, SongPlays::plus, Model.SONG_PLAYS)
                .groupBy(SongPlays::genre, Serdes.String())
                .aggregate(() -> TopSongs.NONE, TopSongs::with, TopSongs::without, Model.TOP_SONGS)
                .materialize(TOP_SONGS);
    }
}
