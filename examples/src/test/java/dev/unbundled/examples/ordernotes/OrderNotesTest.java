package dev.unbundled.examples.ordernotes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The demo itself, end to end on a real broker, as the README's first command runs it. */
@ExtendWith(EmbeddedKafkaExtension.class)
class OrderNotesTest {

    @Test
    void demo_onGivenBroker_printsNotesBeforeAndAfterTheRenameAndTheDelete(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(3, Warehouse.ORDERS.name(), Warehouse.PRODUCTS.name());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        OrderNotes.run(new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--demo"},
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        String output = printed.toString(StandardCharsets.UTF_8);
        String seeded = section(output, "== Seeding", "== Renaming");
        String renamed = section(output, "== Renaming", "== Cancelling");
        String cancelled = section(output, "== Cancelling", "Demo done.");
        assertThat(seeded).contains("o-1: 2 x Desk lamp (shelf A3)", "o-2: 1 x Office chair (shelf B1)",
                "o-3: 5 x Desk lamp (shelf A3)");
        assertThat(renamed).contains("o-1: 2 x LED desk lamp (shelf A4)", "o-3: 5 x LED desk lamp (shelf A4)")
                .doesNotContain("x Desk lamp");
        assertThat(cancelled).doesNotContain("o-2:").contains("o-1: 2 x LED desk lamp");
    }

    @Test
    void demo_withoutBootstrapServers_startsItsOwnBroker() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        OrderNotes.run(new String[] {"--demo"}, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Started an embedded Kafka broker at 127.0.0.1:").contains("Demo done.");
    }

    private static String section(String output, String from, String to) {
        int start = output.indexOf(from);
        int end = output.indexOf(to, start);
        assertThat(start).as("section '%s' in%n%s", from, output).isNotNegative();
        assertThat(end).as("section end '%s' in%n%s", to, output).isGreaterThan(start);
        return output.substring(start, end);
    }
}
