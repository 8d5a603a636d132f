package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewIndex;
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

    /** The name of the products view re-keyed by price, the index's alternative. */
    public static final String PRODUCTS_BY_PRICE = "products-by-price";
    /** Products by price: about ten products share a price at 100,000 products. */
    public static final ViewIndex<Integer, Product> BY_PRICE = ViewIndex.of("by-price", Product::priceCents,
            Serdes.Integer());

    private UnbundledViews() {
    }

    /**
     * @param products the products topic
     * @return product id to product, with an index by price
     */
    public static ViewDefinition<String, Product> indexedProducts(Topic<String, Product> products) {
        return products(products).withIndex(BY_PRICE);
    }

    /**
     * What a service does without indexes: a second view of the same products, keyed by price and then name
     * (names are unique), read by prefix. Its rows are updated apart from the first view's.
     *
     * @param products the products topic
     * @return {@code price/name} to product
     */
    public static ViewDefinition<String, Product> productsByPrice(Topic<String, Product> products) {
        return View.from(products).rekey(UnbundledViews::priceKey, Serdes.String()).materialize(PRODUCTS_BY_PRICE);
    }

    /** @return the key of a product in {@link #productsByPrice}: its price, zero-padded, a slash, its name */
    public static String priceKey(Product product) {
        return pricePrefix(product.priceCents()) + product.name();
    }

    /** @return the prefix of every key of one price in {@link #productsByPrice} */
    public static String pricePrefix(int priceCents) {
        return String.format("%08d/", priceCents);
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
