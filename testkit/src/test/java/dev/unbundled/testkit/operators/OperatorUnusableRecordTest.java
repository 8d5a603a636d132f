package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.PLAYS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.DeadLetter;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.Play;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Input records no view can keep whole, found as they are read: a null key on a topic read as a table, and a
 * record over the producer's max.request.size (1 MiB by default). Each is a dead letter with its coordinates
 * and counted, cut to fit its dead-letter topic, and the records around it are applied.
 */
class OperatorUnusableRecordTest {
    private static final int TWO_MB = 2_000_000;
    /** Half the producer's default max.request.size: the most key and value bytes a dead letter keeps together. */
    private static final int LETTER_BYTES = 512 * 1024;

    private static final ViewDefinition<String, Order> ALL_ORDERS = View.from(ORDERS).materialize("all-orders");
    private static final ViewDefinition<String, Long> PLAYS_PER_SONG = View.events(PLAYS)
            .groupBy(Play::song, Serdes.String())
            .count()
            .materialize("plays-per-song");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ALL_ORDERS, PLAYS_PER_SONG);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void deadLetters_twoMegabytePoisonValue_isOneLetterCutToFitWithItsOriginalSize() {
        byte[] poison = new byte[TWO_MB];
        Arrays.fill(poison, (byte) '{');
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1))
                .pipeRaw(bytes("o-big"), poison)
                .pipe("o-2", new Order("p-1", 2)).pipe("o-3", new Order("p-1", 3));

        assertThat(kit.deadLetters(ALL_ORDERS)).singleElement().satisfies(letter -> {
            assertThat(letter.sourceOffset()).isEqualTo(1L);
            assertThat(letter.key()).isEqualTo(bytes("o-big"));
            // the letter keeps the key whole and the value's first bytes, together the letter's budget
            assertThat(letter.value()).isEqualTo(Arrays.copyOf(poison, LETTER_BYTES - "o-big".length()));
            assertThat(letter.truncated()).isTrue();
            assertThat(letter.originalValueSize()).isEqualTo(TWO_MB);
            assertThat(letter.originalKeySize()).isEqualTo(5);
        });
        assertThat(kit.deadLetterCounts()).containsEntry("all-orders", 1L);
        assertThat(kit.view(ALL_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 1),
                "o-2", new Order("p-1", 2), "o-3", new Order("p-1", 3)));
    }

    @Test
    void deadLetters_twoMegabyteValidRow_isLeftOutOfTheViewAsALetterGoodRowsApplied() {
        String longId = "p".repeat(TWO_MB);
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1))
                .pipe("o-big", new Order(longId, 7))
                .pipe("o-2", new Order("p-1", 2));

        assertThat(kit.deadLetters(ALL_ORDERS)).singleElement().satisfies(letter -> {
            assertThat(letter.sourceTopic()).isEqualTo("orders");
            assertThat(letter.sourceOffset()).isEqualTo(1L);
            assertThat(letter.exceptionMessage()).startsWith("record too large").contains("all-orders", "orders",
                    "max.request.size");
            assertThat(letter.originalValueSize()).isGreaterThan(TWO_MB);
            assertThat(letter.value()).hasSize(LETTER_BYTES - "o-big".length());
        });
        assertThat(kit.deadLetterCounts()).containsEntry("all-orders", 1L);
        assertThat(kit.view(ALL_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 1),
                "o-2", new Order("p-1", 2)));
    }

    @Test
    void deadLetters_twoMegabyteValidRowOverAnEarlierRow_keyKeepsItsEarlierRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p".repeat(TWO_MB), 7));

        assertThat(kit.view(ALL_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 1)));
        assertThat(kit.deadLetterCounts()).containsEntry("all-orders", 1L);
    }

    @Test
    void deadLetters_twoMegabyteEvent_isALetterOfTheEventsViewLaterEventsCounted() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 1))
                .pipe("u-2", new Play("s".repeat(TWO_MB), 1))
                .pipe("u-3", new Play("s-1", 1));

        assertThat(kit.deadLetters(PLAYS_PER_SONG)).singleElement().satisfies(letter -> {
            assertThat(letter.sourceOffset()).isEqualTo(1L);
            assertThat(letter.exceptionMessage()).startsWith("record too large");
        });
        assertThat(kit.view(PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 2L));
    }

    @Test
    void deadLetters_viewMakesARowOverTheLimit_rowLeftOutAsALetterKeyKeepsItsRowLaterRowsApplied() {
        ViewDefinition<String, String> blownUp = View.from(ORDERS)
                .mapValues(order -> order.quantity() == 99 ? "x".repeat(TWO_MB) : order.productId(), Serdes.String())
                .materialize("blown-up");
        try (ViewTestKit own = ViewTestKit.of(StoreUnderTest.get(), blownUp)) {
            own.input(ORDERS).pipe("o-1", new Order("p-1", 1))
                    .pipe("o-1", new Order("p-1", 99))
                    .pipe("o-2", new Order("p-2", 2));

            assertThat(own.deadLetters(blownUp)).singleElement().satisfies(letter -> {
                assertThat(letter.view()).isEqualTo("blown-up");
                assertThat(letter.sourceOffset()).isEqualTo(1L);
                assertThat(letter.exceptionMessage()).startsWith("row too large").contains("blown-up");
            });
            assertThat(own.deadLetterCounts()).containsEntry("blown-up", 1L);
            assertThat(own.view(blownUp)).containsExactlyEntriesOf(Map.of("o-1", "p-1", "o-2", "p-2"));
        }
    }

    @Test
    void deadLetters_nullKeyOnTableTopic_isALetterWithItsCoordinatesAndCounted() {
        byte[] value = ORDERS.valueSerde().serializer().serialize("orders", new Order("p-1", 5));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1))
                .pipeRaw(null, value)
                .pipe("o-2", new Order("p-1", 2));

        assertThat(kit.deadLetters(ALL_ORDERS)).singleElement().satisfies(letter -> {
            assertThat(letter.view()).isEqualTo("all-orders");
            assertThat(letter.sourceTopic()).isEqualTo("orders");
            assertThat(letter.sourcePartition()).isZero();
            assertThat(letter.sourceOffset()).isEqualTo(1L);
            assertThat(letter.exceptionMessage()).startsWith("null key: a table row needs a key");
            assertThat(letter.key()).isNull();
            assertThat(letter.value()).isEqualTo(value);
            assertThat(letter.truncated()).isFalse();
        });
        assertThat(kit.deadLetterCounts()).containsEntry("all-orders", 1L).containsEntry("plays-per-song", 0L);
        assertThat(kit.view(ALL_ORDERS)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 1),
                "o-2", new Order("p-1", 2)));
    }

    @Test
    void deadLetters_nullKeyOnTopicReadAsTableAndAsEvents_onlyTheTableViewLosesIt() {
        ViewDefinition<String, Order> orders = View.from(ORDERS).materialize("orders-by-id");
        ViewDefinition<String, Long> perProduct = View.events(ORDERS)
                .groupBy(Order::productId, Serdes.String())
                .count()
                .materialize("orders-per-product");
        try (ViewTestKit shared = ViewTestKit.of(StoreUnderTest.get(), orders, perProduct)) {
            byte[] value = ORDERS.valueSerde().serializer().serialize("orders", new Order("p-1", 5));
            shared.input(ORDERS).pipe("o-1", new Order("p-1", 1))
                    .pipeRaw(null, value)
                    .pipe("o-2", new Order("p-1", 2));

            assertThat(shared.deadLetters(orders)).singleElement().satisfies(letter -> {
                assertThat(letter.sourceOffset()).isEqualTo(1L);
                assertThat(letter.exceptionMessage()).startsWith("null key: a table row needs a key");
                assertThat(letter.value()).isEqualTo(value);
            });
            assertThat(shared.deadLetters(perProduct)).isEmpty();
            assertThat(shared.deadLetterCounts()).containsEntry("orders-by-id", 1L)
                    .containsEntry("orders-per-product", 0L);
            assertThat(shared.view(orders)).containsExactlyEntriesOf(Map.of("o-1", new Order("p-1", 1),
                    "o-2", new Order("p-1", 2)));
            assertThat(shared.view(perProduct)).containsExactlyEntriesOf(Map.of("p-1", 3L));
        }
    }

    @Test
    void deadLetters_nullKeyOnEventsTopic_eventIsCountedNoLetter() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 1))
                .pipeRaw(null, PLAYS.valueSerde().serializer().serialize("plays", new Play("s-1", 1)));

        assertThat(kit.deadLetters(PLAYS_PER_SONG)).isEmpty();
        assertThat(kit.view(PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 2L));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
