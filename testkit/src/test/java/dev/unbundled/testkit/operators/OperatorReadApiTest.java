package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.NUMBERED_ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewStatus;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read API of a view, as the testkit hands it out: the same StoreView a ViewRuntime serves. */
class OperatorReadApiTest {
    private static final ViewDefinition<String, Order> BY_ID = View.from(ORDERS)
            .filter((id, order) -> true)
            .materialize("orders-by-id");
    private static final ViewDefinition<Integer, Order> BY_NUMBER = View.from(NUMBERED_ORDERS)
            .materialize("orders-by-number");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), BY_ID, BY_NUMBER);
    private ReadOnlyView<String, Order> view;

    @BeforeEach
    void fill() {
        kit.input(ORDERS)
                .pipe("o-3", new Order("p-1", 3))
                .pipe("o-10", new Order("p-1", 10))
                .pipe("o-1", new Order("p-1", 1))
                .pipe("o-2", new Order("p-1", 2))
                .pipe("x-1", new Order("p-9", 9));
        view = kit.view(BY_ID);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private static <K, V> List<K> keys(Stream<Map.Entry<K, V>> rows) {
        try (rows) {
            return rows.map(Map.Entry::getKey).toList();
        }
    }

    // point reads

    @Test
    void get_presentKey_returnsValue() {
        assertThat(view.get("o-2")).contains(new Order("p-1", 2));
    }

    @Test
    void get_absentKey_returnsEmpty() {
        assertThat(view.get("o-404")).isEmpty();
    }

    @Test
    void get_deletedKey_returnsEmpty() {
        kit.input(ORDERS).delete("o-2");

        assertThat(view.get("o-2")).isEmpty();
    }

    @Test
    void get_viewObtainedBeforeUpdate_seesUpdate() {
        kit.input(ORDERS).pipe("o-2", new Order("p-2", 20));

        assertThat(view.get("o-2")).contains(new Order("p-2", 20));
    }

    @Test
    void getAll_someKeysPresent_returnsPresentOnesInRequestOrder() {
        Map<String, Order> found = view.getAll(List.of("o-3", "o-404", "o-1"));

        assertThat(found).containsExactly(Map.entry("o-3", new Order("p-1", 3)), Map.entry("o-1", new Order("p-1", 1)));
    }

    @Test
    void getAll_noKeys_returnsEmptyMap() {
        assertThat(view.getAll(List.of())).isEmpty();
    }

    // scans

    @Test
    void range_boundsPresent_includesBothEnds() {
        assertThat(keys(view.range("o-1", "o-2"))).containsExactly("o-1", "o-10", "o-2");
    }

    @Test
    void range_boundsAbsent_returnsKeysBetween() {
        assertThat(keys(view.range("o-0", "o-25"))).containsExactly("o-1", "o-10", "o-2");
    }

    @Test
    void range_fromEqualsTo_returnsThatRow() {
        assertThat(keys(view.range("o-3", "o-3"))).containsExactly("o-3");
    }

    @Test
    void range_returnsValuesWithKeys() {
        try (Stream<Map.Entry<String, Order>> rows = view.range("o-3", "o-3")) {
            assertThat(rows).containsExactly(Map.entry("o-3", new Order("p-1", 3)));
        }
    }

    @Test
    void range_reversedBounds_throwsIllegalArgumentNamingView() {
        assertThatThrownBy(() -> view.range("o-3", "o-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-id")
                .hasMessageContaining("reversed");
    }

    @Test
    void range_integerKeys_boundsComparedAsSerialisedBytes() {
        kit.input(NUMBERED_ORDERS).pipe(-1, new Order("p-1", 1)).pipe(5, new Order("p-1", 5))
                .pipe(7, new Order("p-1", 7));

        // -1 serialises as FF FF FF FF, after 5 (00 00 00 05)
        assertThat(keys(kit.view(BY_NUMBER).range(5, -1))).containsExactly(5, 7, -1);
    }

    @Test
    void range_integerKeysInNumericOrderButReversedAsBytes_throwsIllegalArgument() {
        ReadOnlyView<Integer, Order> numbers = kit.view(BY_NUMBER);

        assertThatThrownBy(() -> numbers.range(-1, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-number");
    }

    @Test
    void all_everyRow_sortedBySerialisedKey() {
        assertThat(keys(view.all())).containsExactly("o-1", "o-10", "o-2", "o-3", "x-1");
    }

    @Test
    void all_integerKeys_negativeKeysSortAfterPositiveOnes() {
        kit.input(NUMBERED_ORDERS).pipe(-2, new Order("p-1", 1)).pipe(3, new Order("p-1", 3))
                .pipe(1, new Order("p-1", 1));

        assertThat(keys(kit.view(BY_NUMBER).all())).containsExactly(1, 3, -2);
    }

    @Test
    void all_deletedRow_isNotScanned() {
        kit.input(ORDERS).delete("o-10");

        assertThat(keys(view.all())).containsExactly("o-1", "o-2", "o-3", "x-1");
    }

    @Test
    void prefixScan_stringPrefix_returnsMatchingRowsInKeyOrder() {
        assertThat(keys(view.prefixScan("o-1"))).containsExactly("o-1", "o-10");
    }

    @Test
    void prefixScan_noMatch_returnsNothing() {
        assertThat(keys(view.prefixScan("z"))).isEmpty();
    }

    @Test
    void prefixScan_prefixWithOwnSerializer_returnsMatchingRows() {
        assertThat(keys(view.prefixScan("x-", new StringSerializer()))).containsExactly("x-1");
    }

    @Test
    void prefixScan_emptyPrefix_returnsEveryRowInKeyOrder() {
        assertThat(keys(view.prefixScan(""))).containsExactly("o-1", "o-10", "o-2", "o-3", "x-1");
    }

    @Test
    void prefixScan_prefixOfOnlyFfBytes_returnsTheRowsStartingWithIt() {
        // -1 serialises to FF FF FF FF, -256 to FF FF FF 00, -65536 to FF FF 00 00: no prefix follows FF..FF
        kit.input(NUMBERED_ORDERS).pipe(-1, new Order("p-1", 1)).pipe(-256, new Order("p-1", 2))
                .pipe(-65_536, new Order("p-1", 3)).pipe(7, new Order("p-1", 7))
                .pipe(Integer.MIN_VALUE, new Order("p-1", 8));
        ReadOnlyView<Integer, Order> numbers = kit.view(BY_NUMBER);

        assertThat(keys(numbers.prefixScan(-1))).containsExactly(-1);
        assertThat(keys(numbers.prefixScan(new byte[] {(byte) 0xFF}, new ByteArraySerializer())))
                .containsExactly(-65_536, -256, -1);
        assertThat(keys(numbers.prefixScan(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                new ByteArraySerializer()))).containsExactly(-256, -1);
        assertThat(keys(numbers.prefixScan(new byte[0], new ByteArraySerializer())))
                .containsExactly(7, Integer.MIN_VALUE, -65_536, -256, -1);
    }

    @Test
    void approximateCount_inMemoryView_isExact() {
        assertThat(view.approximateCount()).isEqualTo(5L);
    }

    @Test
    void approximateCount_afterDelete_decreases() {
        kit.input(ORDERS).delete("o-1").delete("o-2");

        assertThat(view.approximateCount()).isEqualTo(3L);
    }

    // closing scans

    @Test
    void range_streamClosed_releasesStoreIterator() {
        assertClosingReleasesIterator(v -> v.range("o-1", "o-3"));
    }

    @Test
    void all_streamClosed_releasesStoreIterator() {
        assertClosingReleasesIterator(ReadOnlyView::all);
    }

    @Test
    void prefixScan_streamClosed_releasesStoreIterator() {
        assertClosingReleasesIterator(v -> v.prefixScan("o-"));
    }

    private void assertClosingReleasesIterator(Function<ReadOnlyView<String, Order>, Stream<?>> scan) {
        Stream<?> rows = scan.apply(view);
        assertThat(openIterators("orders-by-id")).as("open iterators while the scan is open").isEqualTo(1.0);

        rows.close();

        assertThat(openIterators("orders-by-id")).as("open iterators after the scan is closed").isEqualTo(0.0);
    }

    /** The store's own count of open iterators: the one place where leaked iterators can be seen. */
    private double openIterators(String store) {
        return kit.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("num-open-iterators")
                        && (store.equals(e.getKey().tags().get("in-memory-state-id"))
                            || store.equals(e.getKey().tags().get("rocksdb-state-id"))))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    // state and life cycle

    @Test
    void name_isTheDefinitionsName() {
        assertThat(view.name()).isEqualTo("orders-by-id");
    }

    @Test
    void status_openKit_isReady() {
        ViewStatus status = view.status();
        assertThat(status.view()).isEqualTo("orders-by-id");
        assertThat(status.state()).isEqualTo(ViewStatus.State.READY);
        assertThat(status.totalLag()).isZero();
        assertThat(status.lag()).allSatisfy((partition, lag) -> assertThat(lag).isZero());
    }

    @Test
    void awaitReady_openKit_returnsTheViewForChaining() {
        assertThat(view.awaitReady(Duration.ofSeconds(1)).get("o-1")).contains(new Order("p-1", 1));
    }

    @Test
    void get_afterKitClosed_throwsIllegalStateNamingView() {
        kit.close();

        assertThatThrownBy(() -> view.get("o-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orders-by-id");
    }

    @Test
    void all_afterKitClosed_throwsIllegalStateNamingView() {
        kit.close();

        assertThatThrownBy(() -> view.all())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orders-by-id");
    }

    @Test
    void awaitReady_afterKitClosed_throwsIllegalStateNamingView() {
        kit.close();

        assertThatThrownBy(() -> view.awaitReady(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orders-by-id");
    }

    @Test
    void status_afterKitClosed_isClosed() {
        kit.close();

        assertThat(view.status().state()).isEqualTo(ViewStatus.State.CLOSED);
    }

    @Test
    void view_afterKitClosed_throwsIllegalState() {
        kit.close();

        assertThatThrownBy(() -> kit.view(BY_ID)).isInstanceOf(IllegalStateException.class);
    }
}
