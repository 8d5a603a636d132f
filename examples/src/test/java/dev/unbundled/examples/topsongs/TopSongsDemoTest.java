package dev.unbundled.examples.topsongs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo as the README runs it, on its own embedded broker, for a few seconds. */
class TopSongsDemoTest {

    @Test
    void demo_forTwoSeconds_runsTwoInstancesThatAnswerForEveryGenre() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        TopSongsDemo.run(new String[] {"--web-port", "0", "--seconds", "2"},
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output)
                .contains("Started an embedded Kafka broker at 127.0.0.1:")
                .contains("Stocked 28 songs in americana, jazz, rock, techno")
                .containsPattern("Instance 1: open http://localhost:\\d+/")
                .containsPattern("Instance 2: open http://localhost:\\d+/")
                .contains("Both instances answer for every genre")
                .containsPattern("americana: .+ by .+, \\d+ plays")
                .containsPattern("jazz: .+ by .+, \\d+ plays")
                .containsPattern("rock: .+ by .+, \\d+ plays")
                .containsPattern("techno: .+ by .+, \\d+ plays");
    }

    @Test
    void run_unknownArgument_failsWithTheUsage() {
        assertThatThrownBy(() -> TopSongsDemo.run(new String[] {"--port", "1"}, System.out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'--port'").hasMessageContaining("Usage:");
    }

    @Test
    void run_demoWithBootstrapServers_failsSayingWhichToLeaveOut() {
        assertThatThrownBy(() -> TopSongsDemo.run(new String[] {"--demo", "--bootstrap", "localhost:9092"},
                System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leave out --bootstrap");
    }
}
