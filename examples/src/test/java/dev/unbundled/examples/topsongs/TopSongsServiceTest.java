package dev.unbundled.examples.topsongs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unbundled.examples.topsongs.TopSongs.Play;
import dev.unbundled.examples.topsongs.TopSongs.Song;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the service on a real broker, asked over real HTTP: each answers for every genre,
 * whichever instance holds it.
 */
class TopSongsServiceTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    static Path stateDir;

    private static TopSongsService first;
    private static TopSongsService second;
    private static KafkaProducer<String, Song> songProducer;
    private static KafkaProducer<String, Play> playProducer;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        kafka.createTopics(6, TopSongs.SONGS.name(), TopSongs.PLAYS.name());
        songProducer = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), TopSongs.SONGS.valueSerde().serializer());
        playProducer = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), TopSongs.PLAYS.valueSerde().serializer());
        first = TopSongsService.start(kafka.bootstrapServers(), "localhost", 0, stateDir.resolve("first"));
        second = TopSongsService.start(kafka.bootstrapServers(), "localhost", 0, stateDir.resolve("second"));
        for (int i = 1; i <= 6; i++) {
            song("j-" + i, new Song("Jazz " + i, "Trio " + i, "jazz"));
            plays("j-" + i, i);
        }
        song("r-1", new Song("Riff", "Kessler", "rock"));
        song("r-2", new Song("Anthem", "Kessler", "rock"));
        song("f-1", new Song("Reel", "Wren Hollow", "folk"));
        song("b-1", new Song("Slow Blues", "Ellis Rowe", "blues"));
        plays("r-1", 2);
        plays("r-2", 7);
        plays("f-1", 1);
        plays("b-1", 1);
    }

    @AfterAll
    static void stopInstances() {
        if (songProducer != null) {
            songProducer.close();
            playProducer.close();
        }
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void charts_fromEitherInstance_areTheSameCompleteCharts() throws Exception {
        for (TopSongsService instance : List.of(first, second)) {
            // one answer carries all that is checked: a second request could meet a rebalance the first did not
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode answer = get(instance, "/charts");
                assertThat(charts(answer)).as("charts served by %s", instance.webAddress())
                        .containsOnlyKeys("blues", "folk", "jazz", "rock")
                        .containsEntry("jazz", List.of("1. Jazz 6 by Trio 6: 6", "2. Jazz 5 by Trio 5: 5",
                                "3. Jazz 4 by Trio 4: 4", "4. Jazz 3 by Trio 3: 3", "5. Jazz 2 by Trio 2: 2"))
                        .containsEntry("rock", List.of("1. Anthem by Kessler: 7", "2. Riff by Kessler: 2"))
                        .containsEntry("folk", List.of("1. Reel by Wren Hollow: 1"));
                assertThat(answer.get("instance").asText()).isEqualTo(instance.queryAddress());
                for (JsonNode chart : answer.get("charts")) {
                    assertThat(chart.get("answeredBy").asText()).as("the holder of %s", chart.get("genre"))
                            .isIn(first.queryAddress(), second.queryAddress());
                }
            });
        }
    }

    @Test
    void chartOfGenre_fromEitherInstance_isThatGenresChart() {
        for (TopSongsService instance : List.of(first, second)) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<String> response = request(instance, "/charts/rock");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode rock = JSON.readTree(response.body());
                assertThat(rock.get("genre").asText()).isEqualTo("rock");
                assertThat(entries(rock)).containsExactly("1. Anthem by Kessler: 7", "2. Riff by Kessler: 2");
            });
        }
    }

    @Test
    void chartOfGenre_unknownGenre_is404WithAnExplanation() throws Exception {
        for (TopSongsService instance : List.of(first, second)) {
            await().atMost(PATIENCE).until(() -> request(instance, "/charts/folk").statusCode() == 200);

            HttpResponse<String> response = request(instance, "/charts/polka");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).get("error").asText()).contains("polka");
        }
    }

    @Test
    void start_nullArgument_failsNamingIt() {
        Path state = stateDir.resolve("never-started");
        assertThatNullPointerException().isThrownBy(() -> TopSongsService.start(null, "localhost", 0, state))
                .withMessage("bootstrapServers");
        assertThatNullPointerException().isThrownBy(() -> TopSongsService.start("localhost:9092", null, 0, state))
                .withMessage("host");
        assertThatNullPointerException().isThrownBy(() -> TopSongsService.start("localhost:9092", "localhost", 0, null))
                .withMessage("stateDir");
    }

    @Test
    void unknownPath_is404() throws Exception {
        assertThat(request(first, "/songs").statusCode()).isEqualTo(404);
    }

    @Test
    void newPlay_changesTheCount_seenThroughBothInstances() throws Exception {
        for (TopSongsService instance : List.of(first, second)) {
            await().atMost(PATIENCE).until(() -> bluesPlays(instance) == 1);
        }

        plays("b-1", 1);

        for (TopSongsService instance : List.of(first, second)) {
            await().atMost(PATIENCE).until(() -> bluesPlays(instance) == 2);
        }
    }

    private static long bluesPlays(TopSongsService instance) throws Exception {
        HttpResponse<String> response = request(instance, "/charts/blues");
        return response.statusCode() != 200 ? -1
                : JSON.readTree(response.body()).get("entries").get(0).get("plays").asLong();
    }

    private static Map<String, List<String>> charts(JsonNode all) {
        Map<String, List<String>> charts = new TreeMap<>();
        for (JsonNode chart : all.get("charts")) {
            charts.put(chart.get("genre").asText(), entries(chart));
        }
        return charts;
    }

    private static List<String> entries(JsonNode chart) {
        List<String> entries = new ArrayList<>();
        for (JsonNode entry : chart.get("entries")) {
            entries.add(entry.get("rank").asInt() + ". " + entry.get("title").asText() + " by "
                    + entry.get("artist").asText() + ": " + entry.get("plays").asLong());
        }
        return entries;
    }

    private static JsonNode get(TopSongsService instance, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = request(instance, path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> request(TopSongsService instance, String path)
            throws IOException, InterruptedException {
        URI uri = instance.webAddress().resolve(path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void plays(String songId, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            playProducer.send(new ProducerRecord<>(TopSongs.PLAYS.name(), songId, new Play(songId))).get();
        }
    }

    private static void song(String songId, Song song) throws Exception {
        songProducer.send(new ProducerRecord<>(TopSongs.SONGS.name(), songId, song)).get();
    }
}
