package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.DeadLetter;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewTestKit;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JSON that {@code Json.serde} would once have guessed at (issue 11) is a dead letter with its reason, counted, and
 * neither a row, a delete nor a change of group; the good records around it are applied.
 */
class OperatorJsonDeadLetterTest {
    record Payment(String accountId, long amount) {
    }

    private static final Topic<String, Payment> PAYMENTS =
            Topic.of("payments", Serdes.String(), Json.serde(Payment.class));
    private static final ViewDefinition<String, Payment> LATEST = View.from(PAYMENTS).materialize("latest-payments");
    private static final ViewDefinition<String, Long> TOTALS = View.events(PAYMENTS)
            .groupBy(Payment::accountId, Serdes.String())
            .aggregate(() -> 0L, (total, payment) -> total + payment.amount(), Serdes.Long())
            .materialize("account-totals");

    /** Each hostile value, and what its dead letter's message must say. */
    private static final Map<String, String> HOSTILE = new LinkedHashMap<>();

    static {
        HOSTILE.put("null", "JSON literal null");
        HOSTILE.put("{\"accountId\":\"a-1\",\"amount\":5}garbage", "Unrecognized token 'garbage'");
        HOSTILE.put("{\"accountId\":\"a-1\",\"amount\":5}{\"accountId\":\"a-1\",\"amount\":7}", "Trailing token");
        HOSTILE.put("{\"accountId\":\"a-1\",\"amount\":1.9}", "Floating-point value (1.9)");
        HOSTILE.put("{\"accountId\":\"a-1\",\"amount\":\"12\"}", "String value (\"12\")");
        HOSTILE.put("{\"accountId\":\"a-1\"}", "Missing required creator property 'amount'");
        HOSTILE.put("{\"amount\":5}", "Missing required creator property 'accountId'");
        HOSTILE.put("{\"accountId\":null,\"amount\":5}", "null` value encountered for property \"accountId\"");
    }

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), LATEST, TOTALS);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void deadLetters_hostileJsonBetweenGoodRecords_eachDeadLetteredWithReasonAndGoodOnesApplied() {
        kit.input(PAYMENTS).pipe("p-1", new Payment("a-1", 10));
        for (String hostile : HOSTILE.keySet()) {
            kit.input(PAYMENTS).pipeRaw(bytes("p-1"), bytes(hostile));
        }
        kit.input(PAYMENTS).pipe("p-2", new Payment("a-1", 5));

        assertThat(kit.view(LATEST)).containsExactlyEntriesOf(Map.of(
                "p-1", new Payment("a-1", 10), "p-2", new Payment("a-1", 5)));
        assertThat(kit.view(TOTALS)).containsExactlyEntriesOf(Map.of("a-1", 15L));
        for (ViewDefinition<String, ?> view : List.of(LATEST, TOTALS)) {
            List<DeadLetter> letters = kit.deadLetters(view);
            assertThat(letters).extracting(DeadLetter::sourceOffset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(letters).extracting(letter -> new String(letter.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(HOSTILE.keySet());
            assertThat(letters).allSatisfy(letter -> {
                assertThat(letter.view()).isEqualTo(view.name());
                assertThat(letter.exceptionClass()).isEqualTo(SerializationException.class.getName());
                assertThat(letter.exceptionMessage()).startsWith("Cannot read Payment from JSON in topic 'payments'");
            });
            List<String> reasons = List.copyOf(HOSTILE.values());
            for (int i = 0; i < reasons.size(); i++) {
                assertThat(letters.get(i).exceptionMessage()).contains(reasons.get(i));
            }
        }
        assertThat(kit.deadLetterCounts()).containsEntry("latest-payments", 8L).containsEntry("account-totals", 8L);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
