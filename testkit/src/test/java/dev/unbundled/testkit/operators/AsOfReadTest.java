package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.PRODUCTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.History;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewAssertions;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.OrderNote;
import dev.unbundled.testkit.operators.Fixtures.Product;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads as of an earlier instant from views materialised with {@link History}, on the test driver. */
class AsOfReadTest {
    private static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");
    private static final History WEEK = History.retain(Duration.ofDays(7));

    private static final ViewDefinition<String, Product> PRODUCT_HISTORY =
            View.from(PRODUCTS).materialize("product-history", WEEK);
    private static final ViewDefinition<String, Order> LARGE_ORDER_HISTORY = View.from(ORDERS)
            .filter((id, order) -> order.quantity() >= 10)
            .materialize("large-order-history", WEEK);
    private static final ViewDefinition<String, Long> ORDERS_PER_PRODUCT_HISTORY = View.from(ORDERS)
            .groupBy(Order::productId, Serdes.String())
            .count()
            .materialize("orders-per-product-history", WEEK);
    private static final ViewDefinition<String, OrderNote> NOTE_HISTORY = View.from(ORDERS)
            .join(View.from(PRODUCTS), Order::productId, OrderNote::of)
            .materialize("note-history", Json.serde(OrderNote.class), WEEK);
    private static final ViewDefinition<String, Order> ORDERS_WITHOUT_HISTORY =
            View.from(ORDERS).materialize("orders-without-history");

    private static final Product LAMP = new Product("Lamp", "lighting");
    private static final Product DESK_LAMP = new Product("Desk lamp", "lighting");
    private static final Product SOFA = new Product("Sofa", "seating");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), PRODUCT_HISTORY, LARGE_ORDER_HISTORY,
            ORDERS_PER_PRODUCT_HISTORY, NOTE_HISTORY, ORDERS_WITHOUT_HISTORY);
    private final ReadOnlyView<String, Product> products = kit.view(PRODUCT_HISTORY);

    @AfterEach
    void close() {
        kit.close();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void getAsOf_betweenUpdates_returnsTheVersionValidThen() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0)).pipe("p-1", DESK_LAMP, at(10)).pipe("p-1", SOFA, at(20));

        assertThat(products.getAsOf("p-1", at(5))).contains(LAMP);
        assertThat(products.getAsOf("p-1", at(15))).contains(DESK_LAMP);
        assertThat(products.getAsOf("p-1", at(25))).contains(SOFA);
    }

    @Test
    void getAsOf_exactlyAtAnUpdate_returnsTheNewVersion() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0)).pipe("p-1", DESK_LAMP, at(10));

        assertThat(products.getAsOf("p-1", at(10))).contains(DESK_LAMP);
        assertThat(products.getAsOf("p-1", at(10).minusMillis(1))).contains(LAMP);
        assertThat(products.getAsOf("p-1", at(0))).contains(LAMP);
    }

    @Test
    void getAsOf_beforeTheFirstVersion_isEmpty() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(10));

        assertThat(products.getAsOf("p-1", at(10).minusMillis(1))).isEmpty();
        assertThat(products.getAsOf("p-1", Instant.EPOCH)).isEmpty();
    }

    @Test
    void getAsOf_keyNeverWritten_isEmpty() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0));

        assertThat(products.getAsOf("p-2", at(5))).isEmpty();
    }

    @Test
    void getAsOf_afterDelete_isEmptyAndBeforeItTheOldValue() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0)).delete("p-1", at(10));

        assertThat(products.getAsOf("p-1", at(5))).contains(LAMP);
        assertThat(products.getAsOf("p-1", at(10))).isEmpty();
        assertThat(products.getAsOf("p-1", at(60))).isEmpty();
    }

    @Test
    void getAsOf_deletedThenInsertedAgain_showsTheGapAndTheNewValue() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0)).delete("p-1", at(10)).pipe("p-1", SOFA, at(20));

        assertThat(products.getAsOf("p-1", at(5))).contains(LAMP);
        assertThat(products.getAsOf("p-1", at(15))).isEmpty();
        assertThat(products.getAsOf("p-1", at(25))).contains(SOFA);
        assertThat(products.get("p-1")).contains(SOFA);
    }

    @Test
    void getAsOf_instantsOutsideRecordTime_readAsTheEarliestAndLatestPossible() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0));

        assertThat(products.getAsOf("p-1", Instant.MIN)).isEmpty();
        assertThat(products.getAsOf("p-1", Instant.EPOCH.minusMillis(1))).isEmpty();
        assertThat(products.getAsOf("p-1", Instant.MAX)).contains(LAMP);
    }

    @Test
    void getAsOf_updateArrivingOutOfTimestampOrder_isPlacedByTimestamp_getKeepsTheLastArrival() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0)).pipe("p-1", SOFA, at(20)).pipe("p-1", DESK_LAMP, at(10));

        assertThat(products.getAsOf("p-1", at(5))).contains(LAMP);
        assertThat(products.getAsOf("p-1", at(15))).contains(DESK_LAMP);
        assertThat(products.getAsOf("p-1", at(25))).contains(SOFA);
        assertThat(products.get("p-1")).contains(DESK_LAMP);
    }

    @Test
    void getAsOf_olderThanRetention_isEmpty_butALatestVersionOlderStillIsKept() {
        ViewDefinition<String, Product> hourOfHistory =
                View.from(PRODUCTS).materialize("hour-of-history", History.retain(Duration.ofHours(1)));
        try (ViewTestKit shortKit = ViewTestKit.of(StoreUnderTest.get(), hourOfHistory)) {
            shortKit.input(PRODUCTS)
                    .pipe("p-old", LAMP, at(0))
                    .pipe("p-1", LAMP, at(0)).pipe("p-1", DESK_LAMP, at(30)).pipe("p-1", SOFA, at(180));
            ReadOnlyView<String, Product> view = shortKit.view(hourOfHistory);

            assertThat(view.getAsOf("p-1", at(10))).as("LAMP was valid then, but 170 minutes before the newest record").isEmpty();
            assertThat(view.getAsOf("p-1", at(150))).as("within the hour of history").contains(DESK_LAMP);
            assertThat(view.getAsOf("p-old", at(10))).as("p-old's only, latest version").contains(LAMP);
        }
    }

    @Test
    void getAsOf_rowLeavesFilteredView_isAbsentFromThen() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 12), at(0)).pipe("o-1", new Order("p-1", 3), at(10))
                .pipe("o-1", new Order("p-1", 30), at(20));
        ReadOnlyView<String, Order> large = kit.view(LARGE_ORDER_HISTORY);

        assertThat(large.getAsOf("o-1", at(5))).contains(new Order("p-1", 12));
        assertThat(large.getAsOf("o-1", at(15))).isEmpty();
        assertThat(large.getAsOf("o-1", at(25))).contains(new Order("p-1", 30));
    }

    @Test
    void getAsOf_onTableAggregation_returnsTheCountAtThatInstant() {
        kit.input(ORDERS)
                .pipe("o-1", new Order("p-1", 1), at(0))
                .pipe("o-2", new Order("p-1", 1), at(10))
                .pipe("o-1", new Order("p-2", 1), at(20))
                .delete("o-2", at(30));
        ReadOnlyView<String, Long> counts = kit.view(ORDERS_PER_PRODUCT_HISTORY);

        assertThat(counts.getAsOf("p-1", at(5))).contains(1L);
        assertThat(counts.getAsOf("p-1", at(15))).contains(2L);
        assertThat(counts.getAsOf("p-1", at(25))).contains(1L);
        assertThat(counts.getAsOf("p-1", at(35))).as("the group's last row left").isEmpty();
        assertThat(counts.getAsOf("p-2", at(15))).isEmpty();
        assertThat(counts.getAsOf("p-2", at(25))).contains(1L);
    }

    @Test
    void getAsOf_onForeignKeyJoin_followsChangesOfEitherSide() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2), at(10));
        kit.input(PRODUCTS).pipe("p-1", DESK_LAMP, at(20));
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 5), at(30));
        ReadOnlyView<String, OrderNote> notes = kit.view(NOTE_HISTORY);

        assertThat(notes.getAsOf("o-1", at(5))).isEmpty();
        assertThat(notes.getAsOf("o-1", at(15))).contains(new OrderNote("Lamp", 2));
        assertThat(notes.getAsOf("o-1", at(25))).as("the product was renamed").contains(new OrderNote("Desk lamp", 2));
        assertThat(notes.getAsOf("o-1", at(35))).contains(new OrderNote("Desk lamp", 5));
    }

    @Test
    void plainReads_onViewWithHistory_answerTheLatestValues() {
        kit.input(PRODUCTS).pipe("p-1", LAMP, at(0)).pipe("p-1", DESK_LAMP, at(10)).pipe("p-2", SOFA, at(20))
                .pipe("p-3", LAMP, at(30)).delete("p-3", at(40));

        ViewAssertions.assertThat(products).containsExactlyEntriesOf(Map.of("p-1", DESK_LAMP, "p-2", SOFA));
        assertThat(products.get("p-1")).contains(DESK_LAMP);
        assertThat(products.get("p-3")).isEmpty();
        assertThat(products.getAll(List.of("p-1", "p-2", "p-3"))).containsOnlyKeys("p-1", "p-2");
        try (Stream<Map.Entry<String, Product>> range = products.range("p-1", "p-2")) {
            assertThat(range.map(Map.Entry::getKey).collect(Collectors.toList())).containsExactly("p-1", "p-2");
        }
        try (Stream<Map.Entry<String, Product>> prefixed = products.prefixScan("p-")) {
            assertThat(prefixed.count()).isEqualTo(2);
        }
    }

    @Test
    void getAsOf_viewWithoutHistory_throwsUnsupportedNamingViewAndFix() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1), at(0));
        ReadOnlyView<String, Order> orders = kit.view(ORDERS_WITHOUT_HISTORY);

        assertThatThrownBy(() -> orders.getAsOf("o-1", at(5)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("orders-without-history")
                .hasMessageContaining("History.retain(");
        assertThat(orders.get("o-1")).contains(new Order("p-1", 1));
    }

    @Test
    void getAsOf_viewWithoutHistory_throwsEvenForAnInstantBeforeTheEpoch() {
        ReadOnlyView<String, Order> orders = kit.view(ORDERS_WITHOUT_HISTORY);

        assertThatThrownBy(() -> orders.getAsOf("o-1", Instant.MIN)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void history_isReportedByTheDefinition_andNamesAStoreOfItsOwn() {
        assertThat(PRODUCT_HISTORY.history()).contains(WEEK);
        assertThat(ORDERS_WITHOUT_HISTORY.history()).isEmpty();
        assertThat(PRODUCT_HISTORY.withStore(StoreUnderTest.get()).history()).contains(WEEK);
        assertThat(PRODUCT_HISTORY.describe()).contains("product-history.history");
        assertThat(ORDERS_WITHOUT_HISTORY.describe()).doesNotContain(".history");
    }

    @Test
    void global_viewWithHistory_throwsIllegalStateNamingView() {
        assertThatThrownBy(PRODUCT_HISTORY::global)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("product-history")
                .hasMessageContaining("global");
    }

    @Test
    void historyRetain_zeroNegativeOrBelowAMillisecond_throwsIllegalArgumentSayingWhatToGive() {
        for (Duration retention : new Duration[] {Duration.ZERO, Duration.ofDays(-1), Duration.ofNanos(999_999)}) {
            assertThatThrownBy(() -> History.retain(retention))
                    .as("%s", retention)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(retention.toString())
                    .hasMessageContaining("at least one millisecond");
        }
    }

    @Test
    void historyRetain_tooLongForMilliseconds_throwsIllegalArgument() {
        assertThatThrownBy(() -> History.retain(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long");
    }

    @Test
    void historyRetain_sameRetention_isEqual() {
        assertThat(History.retain(Duration.ofHours(24))).isEqualTo(History.retain(Duration.ofDays(1)))
                .hasSameHashCodeAs(History.retain(Duration.ofDays(1)))
                .isNotEqualTo(History.retain(Duration.ofDays(2)));
        assertThat(History.retain(Duration.ofMillis(1)).retention()).isEqualTo(Duration.ofMillis(1));
        assertThat(WEEK).hasToString("History.retain(PT168H)");
    }
}
