package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One topic read both as a table and as a stream of facts, by views of one kit. */
class OperatorSharedTopicTest {
    private static final ViewDefinition<String, Order> CURRENT_ORDERS = View.from(ORDERS)
            .filter((id, order) -> true)
            .materialize("current-orders");
    private static final ViewDefinition<String, Long> ORDER_CHANGES_PER_PRODUCT = View.events(ORDERS)
            .groupBy(Order::productId, Serdes.String())
            .count()
            .materialize("order-changes-per-product");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), CURRENT_ORDERS, ORDER_CHANGES_PER_PRODUCT);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void from_topicAlsoReadAsEvents_keepsLatestValuePerKey() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-1", 2))
                .pipe("o-2", new Order("p-2", 1));

        assertThat(kit.view(CURRENT_ORDERS)).containsExactlyEntriesOf(Map.of(
                "o-1", new Order("p-1", 2), "o-2", new Order("p-2", 1)));
    }

    @Test
    void from_topicAlsoReadAsEvents_deleteRemovesRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-2", 1)).delete("o-1");

        assertThat(kit.view(CURRENT_ORDERS)).containsExactlyEntriesOf(Map.of("o-2", new Order("p-2", 1)));
    }

    @Test
    void events_topicAlsoReadAsTable_countsEveryEvent() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-1", new Order("p-1", 2))
                .pipe("o-2", new Order("p-2", 1));

        assertThat(kit.view(ORDER_CHANGES_PER_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", 2L, "p-2", 1L));
    }

    @Test
    void events_topicAlsoReadAsTable_deleteIsNotAnEvent() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).delete("o-1");

        assertThat(kit.view(ORDER_CHANGES_PER_PRODUCT)).containsExactlyEntriesOf(Map.of("p-1", 1L));
    }

    @Test
    void deadLetters_poisonInSharedTopic_bothViewsGetOne() {
        kit.input(ORDERS).pipeRaw("o-1".getBytes(StandardCharsets.UTF_8), "{oops".getBytes(StandardCharsets.UTF_8));

        assertThat(kit.deadLetters(CURRENT_ORDERS)).hasSize(1);
        assertThat(kit.deadLetters(ORDER_CHANGES_PER_PRODUCT)).hasSize(1);
    }
}
