package dev.unbundled.examples.topsongs;

import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.unbundled.examples.topsongs.TopSongs.Chart;
import dev.unbundled.examples.topsongs.TopSongs.ChartEntry;
import dev.unbundled.examples.topsongs.TopSongs.Play;
import dev.unbundled.examples.topsongs.TopSongs.Song;
import dev.unbundled.testkit.ViewTestKit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The top-songs views, tested in milliseconds on the testkit's driver. */
class TopSongsTest {
    private ViewTestKit kit;

    @BeforeEach
    void startKit() {
        kit = ViewTestKit.of(TopSongs.PLAYS_PER_SONG, TopSongs.TOP_FIVE_PER_GENRE);
    }

    @AfterEach
    void closeKit() {
        kit.close();
    }

    @Test
    void playsPerSong_everyPlay_countsOnceForItsSong() {
        play("s-1", 3);
        play("s-2", 1);

        assertThat(kit.view(TopSongs.PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 3L, "s-2", 1L));
    }

    @Test
    void topFive_sevenSongsOfAGenre_ranksTheFiveMostPlayed_mostPlayedFirst() {
        for (int i = 1; i <= 7; i++) {
            song("s-" + i, "Title " + i, "jazz");
            play("s-" + i, i);
        }

        assertThat(chart("jazz")).containsExactly(
                new ChartEntry(1, "s-7", "Title 7", "Artist", 7),
                new ChartEntry(2, "s-6", "Title 6", "Artist", 6),
                new ChartEntry(3, "s-5", "Title 5", "Artist", 5),
                new ChartEntry(4, "s-4", "Title 4", "Artist", 4),
                new ChartEntry(5, "s-3", "Title 3", "Artist", 3));
    }

    @Test
    void topFive_songsPlayedEquallyOften_areRankedByTitleThenSongId() {
        song("s-1", "Zebra", "jazz");
        song("s-2", "Apple", "jazz");
        song("s-4", "Mango", "jazz");
        song("s-3", "Mango", "jazz");
        List.of("s-1", "s-2", "s-3", "s-4").forEach(id -> play(id, 2));

        assertThat(chart("jazz")).extracting(ChartEntry::songId).containsExactly("s-2", "s-3", "s-4", "s-1");
        assertThat(chart("jazz")).extracting(ChartEntry::rank).containsExactly(1, 2, 3, 4);
    }

    @Test
    void topFive_eachGenre_hasItsOwnChart() {
        song("s-1", "Blue", "jazz");
        song("s-2", "Loud", "rock");
        play("s-1", 1);
        play("s-2", 2);

        assertThat(kit.view(TopSongs.TOP_FIVE_PER_GENRE)).containsExactlyEntriesOf(Map.of(
                "jazz", new Chart(List.of(new ChartEntry(1, "s-1", "Blue", "Artist", 1))),
                "rock", new Chart(List.of(new ChartEntry(1, "s-2", "Loud", "Artist", 2)))));
    }

    @Test
    void topFive_newPlay_overtakesInTheChart() {
        song("s-1", "Blue", "jazz");
        song("s-2", "Green", "jazz");
        play("s-1", 2);
        play("s-2", 2);

        play("s-2", 1);

        assertThat(chart("jazz")).extracting(ChartEntry::songId, ChartEntry::plays)
                .containsExactly(tuple("s-2", 3L),
                        tuple("s-1", 2L));
    }

    @Test
    void topFive_songRenamed_chartShowsTheNewTitle() {
        song("s-1", "Blue", "jazz");
        play("s-1", 2);

        kit.input(TopSongs.SONGS).pipe("s-1", new Song("Blue (Live)", "Artist", "jazz"));

        assertThat(chart("jazz")).containsExactly(new ChartEntry(1, "s-1", "Blue (Live)", "Artist", 2));
    }

    @Test
    void topFive_songMovesGenre_leavesItsOldChart_theSixthMovesUp_andJoinsTheNewChart() {
        for (int i = 1; i <= 6; i++) {
            song("s-" + i, "Title " + i, "jazz");
            play("s-" + i, 10 - i);
        }
        song("s-9", "Riff", "rock");
        play("s-9", 1);

        kit.input(TopSongs.SONGS).pipe("s-1", new Song("Title 1", "Artist", "rock"));

        assertThat(chart("jazz")).extracting(ChartEntry::songId).containsExactly("s-2", "s-3", "s-4", "s-5", "s-6");
        assertThat(chart("rock")).containsExactly(
                new ChartEntry(1, "s-1", "Title 1", "Artist", 9),
                new ChartEntry(2, "s-9", "Riff", "Artist", 1));
    }

    @Test
    void topFive_lastSongOfAGenreLeavesTheCatalogue_genreHasNoChart() {
        song("s-1", "Blue", "jazz");
        play("s-1", 2);

        kit.input(TopSongs.SONGS).delete("s-1");

        assertThat(kit.view(TopSongs.TOP_FIVE_PER_GENRE)).doesNotContainKey("jazz").isEmpty();
    }

    @Test
    void topFive_playsOfASongNotInTheCatalogue_areCountedButNotCharted_untilTheSongIsAdded() {
        play("s-404", 3);

        assertThat(kit.view(TopSongs.PLAYS_PER_SONG)).containsEntry("s-404", 3L);
        assertThat(kit.view(TopSongs.TOP_FIVE_PER_GENRE)).isEmpty();

        song("s-404", "Found at Last", "folk");

        assertThat(chart("folk")).containsExactly(new ChartEntry(1, "s-404", "Found at Last", "Artist", 3));
    }

    @Test
    void topFive_songInTheCatalogueNeverPlayed_isNotCharted() {
        song("s-1", "Silence", "jazz");

        assertThat(kit.view(TopSongs.TOP_FIVE_PER_GENRE)).isEmpty();
    }

    private void song(String id, String title, String genre) {
        kit.input(TopSongs.SONGS).pipe(id, new Song(title, "Artist", genre));
    }

    private void play(String songId, int times) {
        for (int i = 0; i < times; i++) {
            kit.input(TopSongs.PLAYS).pipe(songId, new Play(songId));
        }
    }

    private List<ChartEntry> chart(String genre) {
        return kit.view(TopSongs.TOP_FIVE_PER_GENRE).get(genre).map(Chart::entries).orElseThrow(
                () -> new AssertionError("no chart for " + genre));
    }
}
