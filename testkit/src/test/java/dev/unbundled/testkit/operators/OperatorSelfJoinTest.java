package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Joins whose two sides read one topic: a self-join, two filters of one topic joined, a foreign key into the
 * same topic. One record then changes both sides at once, and the view must still equal its query.
 */
class OperatorSelfJoinTest {
    /** Each order with itself. */
    private static final ViewDefinition<String, String> SELF = View.from(ORDERS)
            .join(View.from(ORDERS), (Order a, Order b) -> a.productId() + "/" + b.quantity())
            .materialize("self", Serdes.String());
    /** Orders that are both open (quantity above 0) and large (quantity 10 or more). */
    private static final ViewDefinition<String, String> OPEN_AND_LARGE = View.from(ORDERS)
            .filter((id, o) -> o.quantity() > 0)
            .join(View.from(ORDERS).filter((id, o) -> o.quantity() >= 10),
                    (Order open, Order large) -> open.productId() + "/" + large.quantity())
            .materialize("open-and-large", Serdes.String());
    /** Each order, and whether it is large: a left self-join. */
    private static final ViewDefinition<String, String> SIZES = View.from(ORDERS)
            .leftJoin(View.from(ORDERS).filter((id, o) -> o.quantity() >= 10),
                    (Order order, Order large) -> large == null ? "small" : "large")
            .materialize("sizes", Serdes.String());
    /** Self-joined orders counted per product: each order must count once, and move with its product. */
    private static final ViewDefinition<String, Long> COUNTED = View.from(ORDERS)
            .join(View.from(ORDERS), (Order a, Order b) -> a)
            .withValueSerde(Json.serde(Order.class))
            .groupBy(Order::productId, Serdes.String())
            .count()
            .materialize("self-counted");
    /** Quantities of open orders summed per product through a left self-join: old values must match new ones. */
    private static final ViewDefinition<String, Long> SUMMED = View.from(ORDERS)
            .leftJoin(View.from(ORDERS).filter((id, o) -> o.quantity() > 0), (Order a, Order open) -> open == null ? 0 : open.quantity())
            .withValueSerde(Serdes.Integer())
            .groupBy(q -> q >= 10 ? "large" : "small", Serdes.String())
            .aggregate(() -> 0L, (sum, q) -> sum + q, (sum, q) -> sum - q, Serdes.Long())
            .materialize("self-summed");
    /** A self-join left-joined with the topic once more. */
    private static final ViewDefinition<String, String> THRICE = View.from(ORDERS)
            .join(View.from(ORDERS), (Order a, Order b) -> a)
            .withValueSerde(Json.serde(Order.class))
            .leftJoin(View.from(ORDERS).filter((id, o) -> o.quantity() > 0),
                    (Order ab, Order c) -> ab.productId() + "/" + (c == null ? "closed" : c.quantity()))
            .materialize("thrice", Serdes.String());
    /** Each order with the order its productId names: a foreign key into the same topic. */
    private static final ViewDefinition<String, String> PARENTS = View.from(ORDERS)
            .join(View.from(ORDERS), Order::productId, (Order child, Order parent) -> child.quantity() + "<" + parent.quantity())
            .materialize("parents", Serdes.String());

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(),
            SELF, OPEN_AND_LARGE, SIZES, COUNTED, SUMMED, THRICE, PARENTS);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void join_selfJoinRowDeleted_leavesTheView() {
        kit.input(ORDERS).pipe("o-9", new Order("p-1", 2)).pipe("o-8", new Order("p-2", 3));

        kit.input(ORDERS).delete("o-9");

        assertThat(kit.view(SELF)).containsExactlyEntriesOf(Map.of("o-8", "p-2/3"));
    }

    @Test
    void join_selfJoinRowUpdated_bothSidesShowTheNewValue() {
        kit.input(ORDERS).pipe("o-9", new Order("p-1", 2)).pipe("o-9", new Order("p-2", 5));

        assertThat(kit.view(SELF)).containsExactlyEntriesOf(Map.of("o-9", "p-2/5"));
    }

    @Test
    void join_twoFiltersOfOneTopicRowDeleted_leavesTheView() {
        kit.input(ORDERS).pipe("o-9", new Order("p-1", 12)).pipe("o-8", new Order("p-2", 30));

        kit.input(ORDERS).delete("o-9");

        assertThat(kit.view(OPEN_AND_LARGE)).containsExactlyEntriesOf(Map.of("o-8", "p-2/30"));
    }

    @Test
    void join_twoFiltersOfOneTopicRowStopsMatchingBoth_leavesTheView() {
        kit.input(ORDERS).pipe("o-9", new Order("p-1", 12));

        kit.input(ORDERS).pipe("o-9", new Order("p-1", 0));

        assertThat(kit.view(OPEN_AND_LARGE)).isEmpty();
    }

    @Test
    void join_twoFiltersOfOneTopicRowStopsMatchingOne_leavesTheView() {
        kit.input(ORDERS).pipe("o-9", new Order("p-1", 12));

        kit.input(ORDERS).pipe("o-9", new Order("p-1", 3));

        assertThat(kit.view(OPEN_AND_LARGE)).isEmpty();
    }

    @Test
    void leftJoin_selfJoinRowDeletedOrShrunk_followsTheRow() {
        kit.input(ORDERS).pipe("o-9", new Order("p-1", 12)).pipe("o-8", new Order("p-1", 12));

        kit.input(ORDERS).delete("o-9").pipe("o-8", new Order("p-1", 2));

        assertThat(kit.view(SIZES)).containsExactlyEntriesOf(Map.of("o-8", "small"));
    }

    @Test
    void join_selfJoinCounted_countsEachRowOnceAndMovesIt() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 1));

        assertThat(kit.view(COUNTED)).containsExactlyEntriesOf(Map.of("p-1", 2L));

        kit.input(ORDERS).pipe("o-1", new Order("p-2", 1));

        assertThat(kit.view(COUNTED)).containsExactlyEntriesOf(Map.of("p-1", 1L, "p-2", 1L));

        kit.input(ORDERS).delete("o-2").delete("o-1");

        assertThat(kit.view(COUNTED)).isEmpty();
    }

    @Test
    void leftJoin_selfJoinSummed_subtractsWhatItAdded() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 12)).pipe("o-2", new Order("p-1", 3));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 4)).pipe("o-2", new Order("p-1", -1));

        assertThat(kit.view(SUMMED)).containsExactlyEntriesOf(Map.of("small", 4L));

        kit.input(ORDERS).delete("o-1").delete("o-2");

        assertThat(kit.view(SUMMED)).isEmpty();
    }

    @Test
    void leftJoin_selfJoinJoinedWithTheTopicAgain_followsTheRow() {
        kit.input(ORDERS).pipe("o-9", new Order("p-1", 2)).pipe("o-8", new Order("p-2", 3));
        kit.input(ORDERS).pipe("o-8", new Order("p-2", 0));

        kit.input(ORDERS).delete("o-9");

        assertThat(kit.view(THRICE)).containsExactlyEntriesOf(Map.of("o-8", "p-2/closed"));
    }

    @Test
    void fkJoin_foreignKeyIntoTheSameTopic_followsTheReferencedRow() {
        kit.input(ORDERS).pipe("o-1", new Order(null, 5)).pipe("o-2", new Order("o-1", 2))
                .pipe("o-3", new Order("o-3", 7));

        assertThat(kit.view(PARENTS)).containsExactlyEntriesOf(Map.of("o-2", "2<5", "o-3", "7<7"));

        kit.input(ORDERS).pipe("o-1", new Order(null, 6)).pipe("o-3", new Order("o-3", 8));

        assertThat(kit.view(PARENTS)).containsExactlyEntriesOf(Map.of("o-2", "2<6", "o-3", "8<8"));

        kit.input(ORDERS).delete("o-1").delete("o-3");

        assertThat(kit.view(PARENTS)).isEmpty();
    }
}
