package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.serde.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The data every run reads, with the same JSON serdes on both sides of each comparison, and the keys
 * and values the generators make. Keys are zero-padded so that their byte order is their numeric
 * order, which makes range sizes predictable.
 */
public final class Model {
    /** Top songs kept per genre. */
    public static final int TOP = 5;

    /** Product values. */
    public static final Serde<Product> PRODUCT = Json.serde(Product.class);
    /** Order values. */
    public static final Serde<Order> ORDER = Json.serde(Order.class);
    /** Join results. */
    public static final Serde<OrderNote> ORDER_NOTE = Json.serde(OrderNote.class);
    /** Play events. */
    public static final Serde<Play> PLAY = Json.serde(Play.class);
    /** Plays per song, with the song's genre. */
    public static final Serde<SongPlays> SONG_PLAYS = Json.serde(SongPlays.class);
    /** Top songs per genre. */
    public static final Serde<TopSongs> TOP_SONGS = Json.serde(TopSongs.class);

    private Model() {
    }

    /**
     * A product, keyed by product id.
     *
     * @param name what it is called; renames change it
     * @param category its category
     * @param priceCents its price
     */
    public record Product(String name, String category, int priceCents) {
    }

    /**
     * An order, keyed by order id.
     *
     * @param productId the product ordered
     * @param quantity how many
     */
    public record Order(String productId, int quantity) {
    }

    /**
     * An order joined with its product.
     *
     * @param product the product's current name
     * @param quantity how many
     */
    public record OrderNote(String product, int quantity) {
        static OrderNote of(Order order, Product product) {
            return new OrderNote(product.name(), order.quantity());
        }
    }

    /**
     * One play of a song, keyed by event id.
     *
     * @param songId the song played
     * @param genre the song's genre
     */
    public record Play(String songId, String genre) {
    }

    /**
     * How often a song was played.
     *
     * @param songId the song
     * @param genre its genre
     * @param plays how often
     */
    public record SongPlays(String songId, String genre, long plays) {
        static final SongPlays NONE = new SongPlays(null, null, 0);

        SongPlays plus(Play play) {
            return new SongPlays(play.songId(), play.genre(), plays + 1);
        }
    }

    /**
     * The most played songs of a genre, and the plays of all its songs.
     *
     * @param top the {@value Model#TOP} most played songs, most played first
     * @param plays plays of every song of the genre
     */
    public record TopSongs(List<SongPlays> top, long plays) {
        static final TopSongs NONE = new TopSongs(List.of(), 0);
        private static final Comparator<SongPlays> ORDER =
                Comparator.comparingLong(SongPlays::plays).reversed().thenComparing(SongPlays::songId);

        // Counts only grow and every change arrives as "remove old, add new", so five entries stay exact.
        TopSongs with(SongPlays song) {
            List<SongPlays> songs = new ArrayList<>(top);
            songs.removeIf(known -> known.songId().equals(song.songId()));
            songs.add(song);
            songs.sort(ORDER);
            return new TopSongs(List.copyOf(songs.subList(0, Math.min(TOP, songs.size()))), plays + song.plays());
        }

        TopSongs without(SongPlays song) {
            List<SongPlays> songs = new ArrayList<>(top);
            songs.removeIf(known -> known.songId().equals(song.songId()));
            return new TopSongs(List.copyOf(songs), plays - song.plays());
        }
    }

    /**
     * @param name the topic's name
     * @return products by product id
     */
    public static Topic<String, Product> products(String name) {
        return Topic.of(name, Serdes.String(), PRODUCT);
    }

    /**
     * @param name the topic's name
     * @return orders by order id
     */
    public static Topic<String, Order> orders(String name) {
        return Topic.of(name, Serdes.String(), ORDER);
    }

    /**
     * @param name the topic's name
     * @return plays by event id
     */
    public static Topic<String, Play> plays(String name) {
        return Topic.of(name, Serdes.String(), PLAY);
    }

    /**
     * @param i the product's number
     * @return its key
     */
    public static String productKey(long i) {
        return String.format("p-%09d", i);
    }

    /**
     * @param key a key of {@link #productKey}
     * @return the product's number
     */
    public static long productIndex(String key) {
        return Long.parseLong(key.substring(2));
    }

    /**
     * @param i the product's number
     * @param version 0 for the first name, higher for each rename
     * @return the product
     */
    public static Product product(long i, int version) {
        return new Product("product " + i + (version == 0 ? "" : " v" + version), "c-" + i % 50, (int) (100 + i % 10_000));
    }

    /**
     * @param i the order's number
     * @return its key
     */
    public static String orderKey(long i) {
        return String.format("o-%09d", i);
    }

    /**
     * @param i the order's number
     * @param products how many products there are
     * @return the order, for product {@code i % products}
     */
    public static Order order(long i, long products) {
        return new Order(productKey(i % products), (int) (1 + i % 5));
    }

    /**
     * @param i the event's number
     * @return its key
     */
    public static String playKey(long i) {
        return String.format("e-%010d", i);
    }

    /**
     * @param i the event's number
     * @param songs how many songs there are
     * @return the song played by event {@code i}, spread evenly but not in key order
     */
    public static long songOf(long i, long songs) {
        return Math.floorMod(i * 7_919L + i / songs, songs);
    }

    /**
     * @param song the song's number
     * @return its key
     */
    public static String songKey(long song) {
        return String.format("s-%07d", song);
    }

    /**
     * @param song the song's number
     * @param genres how many genres there are
     * @return its genre
     */
    public static String genreOf(long song, long genres) {
        return String.format("g-%03d", song % genres);
    }

    /**
     * @param i the event's number
     * @param songs how many songs there are
     * @param genres how many genres there are
     * @return the play
     */
    public static Play play(long i, long songs, long genres) {
        long song = songOf(i, songs);
        return new Play(songKey(song), genreOf(song, genres));
    }
}
