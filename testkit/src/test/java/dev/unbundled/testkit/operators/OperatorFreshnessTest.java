package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.Freshness;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewStatus;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.time.Duration;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Status, lag and freshness as the testkit answers them: the driver is never behind. */
class OperatorFreshnessTest {
    private static final ViewDefinition<String, Order> BY_ID = View.from(ORDERS).materialize("orders-by-id");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), BY_ID);
    private final ReadOnlyView<String, Order> view = kit.view(BY_ID);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void status_nothingPiped_readyWithoutLagOrUpdate() {
        ViewStatus status = view.status();

        assertThat(status.state()).isEqualTo(ViewStatus.State.READY);
        assertThat(status.lag()).isEmpty();
        assertThat(status.lastUpdate()).isEmpty();
    }

    @Test
    void status_afterPipes_readyWithZeroLagAndALastUpdate() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-1", 2));

        ViewStatus status = view.status();

        assertThat(status.state()).isEqualTo(ViewStatus.State.READY);
        assertThat(status.lag()).containsEntry(new TopicPartition("orders", 0), 0L);
        assertThat(status.totalLag()).isZero();
        assertThat(status.lastUpdate()).isPresent();
    }

    @Test
    void get_withToken_answersAtOnce() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1));

        assertThat(view.get("o-1", Freshness.after("orders", 0, 0))).contains(new Order("p-1", 1));
        assertThat(view.get("o-1", Freshness.any())).contains(new Order("p-1", 1));
        assertThat(view.awaitFreshness(Freshness.after("orders", 0, 0), Duration.ofSeconds(1))).isSameAs(view);
    }

    @Test
    void get_tokenOfATopicTheViewDoesNotRead_failsNamingViewAndTopic() {
        assertThatThrownBy(() -> view.get("o-1", Freshness.after("products", 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-id").hasMessageContaining("products");
    }

    @Test
    void get_nullArguments_failNamingTheView() {
        assertThatThrownBy(() -> view.get(null, Freshness.any())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("orders-by-id");
        assertThatThrownBy(() -> view.get("o-1", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("orders-by-id");
        assertThatThrownBy(() -> view.awaitFreshness(null, Duration.ZERO)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> view.awaitFreshness(Freshness.any(), null)).isInstanceOf(NullPointerException.class);
    }
}
