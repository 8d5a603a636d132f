package dev.unbundled.examples.topsongs;

import dev.unbundled.examples.topsongs.TopSongs.Play;
import dev.unbundled.examples.topsongs.TopSongs.Song;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's data: a made-up catalogue of songs in four genres, and listeners who play them, some songs
 * far more often than others, so that the charts have leaders and a tail that competes for fifth place.
 */
final class Jukebox implements AutoCloseable {
    /**
     * The catalogue, by song id: seven songs in each of four genres, the crowd's favourites first. The genres
     * fall into different partitions of six (0, 3, 4 and 5), so that each of two instances holds some.
     */
    static final Map<String, Song> CATALOGUE = catalogue(
            "jazz", new String[][] {
                {"Blue Hour Stroll", "Nina Vale Trio"}, {"Smoke Over Lenox", "The Harlan Quartet"},
                {"Late Train to Antibes", "Odile Marchand"}, {"Brass Tacks", "Sunday Horns"},
                {"Velvet Modal", "Nina Vale Trio"}, {"Three A.M. Ballad", "Theo Brandt"},
                {"Quiet Storm Avenue", "The Harlan Quartet"}},
            "rock", new String[][] {
                {"Gravel Road Anthem", "The Dry Creeks"}, {"Neon Cathedral", "Static Saints"},
                {"Burn the Map", "Kessler"}, {"Thunder in July", "The Dry Creeks"},
                {"Paper Crown", "Static Saints"}, {"Highway Hymn", "Mara Quinn"},
                {"Loud Little Town", "Kessler"}},
            "techno", new String[][] {
                {"Circuit Bloom", "Lumen Drift"}, {"Night Bus Ritual", "KLVR"},
                {"Glass Pulse", "Lumen Drift"}, {"Subzero Garden", "Ada Byte"},
                {"Afterglow Protocol", "KLVR"}, {"Hyperreal", "Ada Byte"},
                {"Tidal Synth", "Ostrava Nights"}},
            "americana", new String[][] {
                {"Salt and Cedar", "Wren Hollow"}, {"The Ferryman's Daughter", "Ellis Rowe"},
                {"Harvest Moon Reel", "The Bramble Band"}, {"Copper Kettle", "Wren Hollow"},
                {"Northbound Geese", "Ellis Rowe"}, {"Lantern Hill", "June Calloway"},
                {"Willow Creek Waltz", "The Bramble Band"}});

    private final KafkaProducer<String, Object> producer;
    private final Random random = new Random();
    private final List<List<String>> songsByGenre;
    private final ScheduledExecutorService player = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "top-songs-jukebox");
        thread.setDaemon(true);
        return thread;
    });

    Jukebox(String bootstrapServers) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5);
        // one producer for both topics: the topics' own serdes turn each value into JSON
        this.producer = new KafkaProducer<>(config, new StringSerializer(), (topic, value) ->
                topic.equals(TopSongs.SONGS.name())
                        ? TopSongs.SONGS.valueSerde().serializer().serialize(topic, (Song) value)
                        : TopSongs.PLAYS.valueSerde().serializer().serialize(topic, (Play) value));
        Map<String, List<String>> byGenre = new LinkedHashMap<>();
        CATALOGUE.forEach((id, song) -> byGenre.computeIfAbsent(song.genre(), genre -> new ArrayList<>()).add(id));
        this.songsByGenre = List.copyOf(byGenre.values());
    }

    /** @return the genres of the catalogue, in order */
    static List<String> genres() {
        return List.copyOf(new TreeSet<>(CATALOGUE.values().stream().map(Song::genre).toList()));
    }

    /** Writes the whole catalogue to the songs topic and waits until the broker has it. */
    void stockCatalogue() {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        CATALOGUE.forEach((id, song) -> sent.add(producer.send(new ProducerRecord<>(TopSongs.SONGS.name(), id, song))));
        awaitAll(sent);
    }

    /**
     * Plays random songs and waits until the broker has every play.
     *
     * @param plays how many
     */
    void play(int plays) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < plays; i++) {
            sent.add(playOne());
        }
        awaitAll(sent);
    }

    /**
     * Plays random songs in the background until closed.
     *
     * @param perSecond how many a second
     */
    void keepPlaying(int perSecond) {
        player.scheduleAtFixedRate(this::playOne, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    private Future<RecordMetadata> playOne() {
        List<String> genre = songsByGenre.get(random.nextInt(songsByGenre.size()));
        // squaring a uniform draw favours the first songs of a genre, and still plays the last ones now and then
        double draw = random.nextDouble();
        String songId = genre.get((int) (draw * draw * genre.size()));
        return producer.send(new ProducerRecord<>(TopSongs.PLAYS.name(), songId, new Play(songId)));
    }

    private static void awaitAll(List<Future<RecordMetadata>> sent) {
        try {
            for (Future<RecordMetadata> future : sent) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing to Kafka", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not accept a record: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Stops playing and closes the producer, sending what is still buffered. */
    @Override
    public void close() {
        player.shutdownNow();
        producer.close();
    }

    private static Map<String, Song> catalogue(Object... genresAndSongs) {
        Map<String, Song> catalogue = new LinkedHashMap<>();
        for (int g = 0; g < genresAndSongs.length; g += 2) {
            String genre = (String) genresAndSongs[g];
            for (String[] song : (String[][]) genresAndSongs[g + 1]) {
                catalogue.put(String.format("s-%02d", catalogue.size() + 1), new Song(song[0], song[1], genre));
            }
        }
        return Collections.unmodifiableMap(catalogue);
    }
}
