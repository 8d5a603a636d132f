package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Play;
import dev.unbundled.benchmarks.Model.TopSongs;
import java.util.List;

/**
 * Run 3, aggregate: play events counted per song, and the five most played songs per genre (the Kafka
 * Music shape), both views in one application. The window opens just before the application is started (a new
 * Unbundled view answers no read before it is built, so start-up is inside the window on both sides) and closes
 * when every song has its final count and every genre's total matches the plays of its songs.
 */
public final class AggregateRun implements Scenario {

    @Override
    public String name() {
        return "aggregate";
    }

    @Override
    public List<Figure> run(Lab lab) {
        Settings settings = lab.settings();
        Workload measured = Workload.fill(lab, settings.plays(), settings.songs(), settings.genres());
        long warmupPlays = settings.plays() * settings.warmupPercent() / 100;
        Workload warmup = warmupPlays > 0 ? Workload.fill(lab, warmupPlays, settings.songs(), settings.genres()) : measured;
        AbRounds<Window> rounds = AbRounds.run(lab, name(), warmupPlays > 0,
                (unbundled, isMeasured) -> once(lab, isMeasured ? measured : warmup, unbundled));
        return ThroughputFigures.of(name(), "plays counted per song and ranked per genre, start to complete", rounds,
                window -> window);
    }

    /** A filled plays topic and the counts it must produce. */
    private record Workload(Topic<String, Play> topic, long plays, long[] perSong, long[] perGenre) {
        static Workload fill(Lab lab, long plays, long songs, long genres) {
            Topic<String, Play> topic = Model.plays(lab.topic("plays"));
            TopicFiller.fill(lab.kafka(), topic, 0, plays, Model::playKey, i -> Model.play(i, songs, genres));
            long[] perSong = new long[(int) songs];
            long[] perGenre = new long[(int) genres];
            for (long i = 0; i < plays; i++) {
                long song = Model.songOf(i, songs);
                perSong[(int) song]++;
                perGenre[(int) (song % genres)]++;
            }
            return new Workload(topic, plays, perSong, perGenre);
        }
    }

    private static Window once(Lab lab, Workload work, boolean unbundled) {
        String applicationId = lab.name(unbundled ? "aggregate-unbundled" : "aggregate-streams");
        CpuClock.Reading start = CpuClock.Reading.now(applicationId);
        try (Contender app = unbundled
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"),
                        UnbundledViews.songPlays(work.topic()), UnbundledViews.topSongs(work.topic()))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.plays(work.topic().name()))) {
            app.awaitReady(MaterialiseRun.START);
            double ready = (System.nanoTime() - start.wallNanos()) / 1e9;
            Contender.Reader<String, Long> songPlays = app.reader(UnbundledViews.SONG_PLAYS);
            Contender.Reader<String, TopSongs> topSongs = app.reader(UnbundledViews.TOP_SONGS);
            long genres = work.perGenre().length;
            KeyCursor counted = new KeyCursor(work.perSong().length, song ->
                    work.perSong()[(int) song] == 0 || Long.valueOf(work.perSong()[(int) song]).equals(
                            songPlays.get(Model.songKey(song))));
            KeyCursor ranked = new KeyCursor(genres, genre -> {
                TopSongs top = topSongs.get(Model.genreOf(genre, genres));
                return work.perGenre()[(int) genre] == 0 || top != null && top.plays() == work.perGenre()[(int) genre];
            });
            Poll.until(work.plays() + " plays in " + applicationId, 1_000,
                    () -> counted.reachedEnd() && ranked.reachedEnd());
            Window window = Window.between(work.plays(), start, CpuClock.Reading.now(app.threadTag()));
            lab.log("aggregate, %s: ready after %.2f s, complete after %.2f s", applicationId, ready, window.seconds());
            return window;
        }
    }
}
