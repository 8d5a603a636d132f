package dev.unbundled.examples.topsongs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.unbundled.examples.topsongs.TopSongs.Play;
import dev.unbundled.examples.topsongs.TopSongs.Song;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The page as a person sees it: headless Chromium opens an instance's page, sees the chart, and sees a new
 * play arrive without reloading. Runs on Debian's {@code chromium} and {@code chromium-driver} packages;
 * Selenium is given both binaries, so it never looks for or downloads a browser or driver. Leaves what the
 * browser saw at {@code target/top-songs-page.png}.
 */
class TopSongsBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String PLAYS_OF_S1 = "section[data-genre='jazz'] tr[data-song='s-1'] td.plays";

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;

    private TopSongsService service;
    private KafkaProducer<String, Play> plays;
    private WebDriver browser;

    @BeforeEach
    void startServiceAndBrowser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "The browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + ": apt-get install chromium chromium-driver (.ci/run installs them)");
        EmbeddedKafka kafka = KAFKA.kafka();
        kafka.createTopics(6, TopSongs.SONGS.name(), TopSongs.PLAYS.name());
        service = TopSongsService.start(kafka.bootstrapServers(), "localhost", 0, stateDir);
        try (KafkaProducer<String, Song> songs = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(),
                TopSongs.SONGS.valueSerde().serializer())) {
            songs.send(new ProducerRecord<>(TopSongs.SONGS.name(), "s-1",
                    new Song("Blue Hour Stroll", "Nina Vale Trio", "jazz"))).get();
        }
        plays = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(),
                TopSongs.PLAYS.valueSerde().serializer());
        play("s-1", 3);

        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (plays != null) {
            plays.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void page_newPlay_showsTheNewCountWithoutAReload() throws Exception {
        browser.get(service.webAddress().toString());

        // inside the wait: a live update may replace the rows between two lookups (a stale element)
        await().atMost(PATIENCE).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() -> {
            assertThat(text(PLAYS_OF_S1)).isEqualTo("3");
            assertThat(text("section[data-genre='jazz'] tr[data-song='s-1'] td.title")).isEqualTo("Blue Hour Stroll");
            assertThat(text("section[data-genre='jazz'] tr[data-song='s-1'] td.artist")).isEqualTo("Nina Vale Trio");
            assertThat(text("section[data-genre='jazz'] h2")).isEqualToIgnoringCase("jazz");
        });

        play("s-1", 1);

        await().atMost(PATIENCE).ignoreExceptionsInstanceOf(WebDriverException.class)
                .untilAsserted(() -> assertThat(text(PLAYS_OF_S1)).isEqualTo("4"));
        Files.write(Path.of("target", "top-songs-page.png"),
                ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    }

    private String text(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "(nothing at " + css + ")" : found.get(0).getText();
    }

    private void play(String songId, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            plays.send(new ProducerRecord<>(TopSongs.PLAYS.name(), songId, new Play(songId))).get();
        }
    }
}
