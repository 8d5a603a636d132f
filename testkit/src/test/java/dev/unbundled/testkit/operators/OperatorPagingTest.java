package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.operators.Fixtures.NUMBERED_ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.Page;
import dev.unbundled.Read;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pages with cursors, read() and the local view, on the testkit's single-instance view. */
class OperatorPagingTest {
    private static final ViewDefinition<String, Order> BY_ID = View.from(ORDERS).materialize("orders-by-id");
    private static final ViewDefinition<Integer, Order> BY_NUMBER = View.from(NUMBERED_ORDERS)
            .materialize("orders-by-number");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), BY_ID, BY_NUMBER);
    private ReadOnlyView<String, Order> view;

    @BeforeEach
    void fill() {
        for (int i = 0; i < 25; i++) {
            kit.input(ORDERS).pipe(key(i), new Order("p-" + i, i));
        }
        view = kit.view(BY_ID);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private static String key(int i) {
        return String.format("o-%02d", i);
    }

    private static List<String> keys(Page<String, Order> page) {
        return page.entries().stream().map(Map.Entry::getKey).toList();
    }

    @Test
    void pages_ofAll_returnEveryKeyOnceInOrder_andTheLastHasNoCursor() {
        List<String> seen = new ArrayList<>();
        Page<String, Order> page = view.page(10);
        seen.addAll(keys(page));
        assertThat(page.entries()).hasSize(10);
        page = view.nextPage(page.next().orElseThrow(), 10);
        seen.addAll(keys(page));
        page = view.nextPage(page.next().orElseThrow(), 10);
        seen.addAll(keys(page));

        assertThat(page.entries()).hasSize(5);
        assertThat(page.next()).isEmpty();
        assertThat(seen).isEqualTo(IntStream.range(0, 25).mapToObj(OperatorPagingTest::key).toList());
    }

    @Test
    void page_exactlyAsLargeAsTheView_hasNoCursor() {
        Page<String, Order> page = view.page(25);

        assertThat(page.entries()).hasSize(25);
        assertThat(page.next()).isEmpty();
    }

    @Test
    void rangePages_stayInsideTheRange() {
        Page<String, Order> first = view.page(key(5), key(12), 5);
        Page<String, Order> second = view.nextPage(first.next().orElseThrow(), 5);

        assertThat(keys(first)).containsExactly(key(5), key(6), key(7), key(8), key(9));
        assertThat(keys(second)).containsExactly(key(10), key(11), key(12));
        assertThat(second.next()).isEmpty();
        assertThat(second.entries().get(0).getValue()).isEqualTo(new Order("p-10", 10));
    }

    @Test
    void nextPage_seesRowsWrittenAfterTheCursor_butNotBeforeIt() {
        Page<String, Order> first = view.page(10);
        kit.input(ORDERS).pipe("o-00a", new Order("p-new", 100)); // before the cursor: not in later pages
        kit.input(ORDERS).pipe("o-99", new Order("p-new", 99));   // after it: in a later page
        kit.input(ORDERS).delete(key(20));                         // deleted before it was read

        List<String> rest = new ArrayList<>();
        Page<String, Order> page = view.nextPage(first.next().orElseThrow(), 10);
        rest.addAll(keys(page));
        while (page.next().isPresent()) {
            page = view.nextPage(page.next().get(), 10);
            rest.addAll(keys(page));
        }

        assertThat(rest).startsWith(key(10)).endsWith("o-99").doesNotContain("o-00a", key(20)).hasSize(15);
    }

    @Test
    void pages_ofNumericKeys_followSerialisedKeyOrder() {
        kit.input(NUMBERED_ORDERS).pipe(2, new Order("p-2", 2)).pipe(1, new Order("p-1", 1))
                .pipe(300, new Order("p-300", 300));
        ReadOnlyView<Integer, Order> numbers = kit.view(BY_NUMBER);

        Page<Integer, Order> page = numbers.page(2);
        Page<Integer, Order> rest = numbers.nextPage(page.next().orElseThrow(), 2);

        assertThat(page.entries()).extracting(Map.Entry::getKey).containsExactly(1, 2);
        assertThat(rest.entries()).extracting(Map.Entry::getKey).containsExactly(300);
    }

    @Test
    void misuse_failsFastNamingTheView() {
        assertThatThrownBy(() -> view.page(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-id").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> view.page(key(9), key(1), 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reversed");
        assertThatThrownBy(() -> view.nextPage("definitely-not-a-cursor", 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-id").hasMessageContaining("Page.next()");
        assertThatThrownBy(() -> view.nextPage(null, 5)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("orders-by-id");
        assertThatThrownBy(() -> view.withStandbyReads(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLag");
        assertThatThrownBy(() -> view.read(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("orders-by-id");
    }

    @Test
    void nextPage_cursorOfAnotherView_throwsNamingBothViewsAndTheFix() {
        kit.input(NUMBERED_ORDERS).pipe(1, new Order("p-1", 1)).pipe(2, new Order("p-2", 2));
        String numbersCursor = kit.view(BY_NUMBER).page(1).next().orElseThrow();
        String idsCursor = view.page(10).next().orElseThrow();

        assertThatThrownBy(() -> view.nextPage(numbersCursor, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("View 'orders-by-id'").hasMessageContaining("'orders-by-number'")
                .hasMessageContaining("page(limit)");
        assertThatThrownBy(() -> kit.view(BY_NUMBER).nextPage(idsCursor, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("View 'orders-by-number'")
                .hasMessageContaining("'orders-by-id'");
        assertThat(kit.view(BY_NUMBER).nextPage(numbersCursor, 10).entries()).extracting(Map.Entry::getKey)
                .containsExactly(2);
    }

    @Test
    void read_onASingleInstance_isAnsweredLocallyByTheActiveCopy() {
        Read<Order> read = view.read(key(3));

        assertThat(read.value()).contains(new Order("p-3", 3));
        assertThat(read.instance()).isEqualTo("local");
        assertThat(read.standby()).isFalse();
        assertThat(read.lag()).isZero();
        assertThat(view.read("o-404").value()).isEmpty();
    }

    @Test
    void local_andStandbyReads_ofASingleInstance_areTheViewItself() {
        assertThat(view.local().get(key(4))).contains(new Order("p-4", 4));
        assertThat(view.withStandbyReads(10).get(key(4))).contains(new Order("p-4", 4));
    }
}
