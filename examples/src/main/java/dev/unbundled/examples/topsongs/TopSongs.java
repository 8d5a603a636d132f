package dev.unbundled.examples.topsongs;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The top-songs data and its views (the Kafka Music shape): plays are counted per song, joined with the
 * song catalogue, and ranked per genre into a chart of the five most played songs.
 *
 * <pre>{@code
 * try (ViewRuntime runtime = ViewRuntime.builder().applicationId("top-songs")
 *         .bootstrapServers(servers).advertise("localhost", 0).view(TopSongs.TOP_FIVE_PER_GENRE).start()) {
 *     ReadOnlyView<String, Chart> charts = runtime.view(TopSongs.TOP_FIVE_PER_GENRE);
 *     charts.awaitReady(Duration.ofSeconds(30));
 *     charts.get("jazz").ifPresent(chart -> chart.entries().forEach(System.out::println));
 * }
 * }</pre>
 */
public final class TopSongs {
    /** How many songs a chart ranks. */
    public static final int CHART_SIZE = 5;

    private TopSongs() {
    }

    /**
     * A song of the catalogue, keyed by song id.
     *
     * @param title its title
     * @param artist who plays it
     * @param genre the chart it competes in
     */
    public record Song(String title, String artist, String genre) {
    }

    /**
     * One play of a song, keyed by song id.
     *
     * @param songId the song played; the record's key too, so that a song's plays share a partition
     */
    public record Play(String songId) {
    }

    /**
     * How often a song was played. It carries the song id because the join with the catalogue sees values
     * only, and a chart names its songs.
     *
     * @param songId the song
     * @param plays how often it was played
     */
    record PlayCount(String songId, long plays) {
        static final PlayCount NONE = new PlayCount(null, 0);

        PlayCount plus(Play play) {
            return new PlayCount(play.songId(), plays + 1);
        }
    }

    /**
     * A song with how often it was played: one row of a genre's standings.
     *
     * @param songId the song
     * @param title its title
     * @param artist who plays it
     * @param genre its genre
     * @param plays how often it was played
     */
    record SongPlays(String songId, String title, String artist, String genre, long plays) {
        static SongPlays of(PlayCount count, Song song) {
            return new SongPlays(count.songId(), song.title(), song.artist(), song.genre(), count.plays());
        }
    }

    /**
     * Every song of one genre that has been played, with its plays: what a chart is ranked from.
     *
     * <p>It keeps every song rather than the top five alone, because a song that leaves the top five (it
     * moved to another genre, or left the catalogue) must be replaced by the sixth, which a top five
     * alone no longer knows. It grows with the genre's catalogue: a catalogue of millions of songs would keep
     * a bounded list of candidates instead.
     *
     * @param songs the songs, in no particular order
     */
    record GenreStandings(List<SongPlays> songs) {
        static final GenreStandings NONE = new GenreStandings(List.of());

        // Both functions return a new value: the aggregate must never be changed in place.
        GenreStandings with(SongPlays song) {
            List<SongPlays> next = new ArrayList<>(songs);
            next.removeIf(known -> known.songId().equals(song.songId()));
            next.add(song);
            return new GenreStandings(List.copyOf(next));
        }

        // Removes the song only as it was retracted, so a retraction that arrives after the song's
        // newer row (same song, higher count) leaves the newer row in place.
        GenreStandings without(SongPlays song) {
            List<SongPlays> next = new ArrayList<>(songs);
            next.remove(song);
            return new GenreStandings(List.copyOf(next));
        }

        Chart chart() {
            List<SongPlays> ranked = songs.stream().sorted(Chart.RANKING).limit(CHART_SIZE).toList();
            return new Chart(IntStream.range(0, ranked.size())
                    .mapToObj(i -> ChartEntry.of(i + 1, ranked.get(i)))
                    .toList());
        }
    }

    /**
     * The five most played songs of a genre, most played first; songs played equally often are ranked by
     * title, then by song id.
     *
     * @param entries at most {@value TopSongs#CHART_SIZE} entries, ranked 1, 2, ...
     */
    public record Chart(List<ChartEntry> entries) {
        static final Comparator<SongPlays> RANKING = Comparator.comparingLong(SongPlays::plays).reversed()
                .thenComparing(SongPlays::title)
                .thenComparing(SongPlays::songId);
    }

    /**
     * One place of a chart.
     *
     * @param rank 1 for the most played song
     * @param songId the song
     * @param title its title
     * @param artist who plays it
     * @param plays how often it was played
     */
    public record ChartEntry(int rank, String songId, String title, String artist, long plays) {
        static ChartEntry of(int rank, SongPlays song) {
            return new ChartEntry(rank, song.songId(), song.title(), song.artist(), song.plays());
        }
    }

    /** The song catalogue, by song id; a null value takes a song out of it. */
    public static final Topic<String, Song> SONGS = Topic.of("songs", Serdes.String(), Json.serde(Song.class));

    /** Plays, by song id: one record per play. */
    public static final Topic<String, Play> PLAYS = Topic.of("plays", Serdes.String(), Json.serde(Play.class));

    /** Song id to how often it was played, for every song played, in the catalogue or not. */
    public static final ViewDefinition<String, Long> PLAYS_PER_SONG =
            View.events(PLAYS).groupBy(Play::songId, Serdes.String()).count().materialize("plays-per-song");

    /**
     * Genre to the chart of its five most played songs. A song is ranked once it is both in the catalogue
     * and played; renaming a song, moving it to another genre or taking it out of the catalogue changes
     * the charts, and a genre with no played song left has no chart.
     */
    public static final ViewDefinition<String, Chart> TOP_FIVE_PER_GENRE =
            View.events(PLAYS)
                    .groupBy(Play::songId, Serdes.String())
                    .aggregate(() -> PlayCount.NONE, PlayCount::plus, Json.serde(PlayCount.class))
                    // joined through the song id as a foreign key (it is also the key): Unbundled cannot yet name
                    // the store a same-key join needs when a grouping follows it
                    .join(View.from(SONGS), PlayCount::songId, SongPlays::of)
                    .withValueSerde(Json.serde(SongPlays.class))
                    .groupBy(SongPlays::genre, Serdes.String())
                    .aggregate(() -> GenreStandings.NONE, GenreStandings::with, GenreStandings::without,
                            Json.serde(GenreStandings.class))
                    .mapValues(GenreStandings::chart, Json.serde(Chart.class))
                    .materialize("top-five-per-genre");
}
