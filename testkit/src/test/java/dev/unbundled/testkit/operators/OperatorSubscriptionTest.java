package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.unbundled.Change;
import dev.unbundled.ChangeListener;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.TestInput;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Change subscriptions, on the test driver: every applied change once, in order, off the stream thread. */
class OperatorSubscriptionTest {
    private static final ViewDefinition<String, Order> BY_ID = View.from(ORDERS).materialize("orders-by-id");
    private static final ViewDefinition<String, Integer> QUANTITIES =
            View.from(ORDERS).mapValues(Order::quantity, Serdes.Integer()).materialize("quantities");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), BY_ID, QUANTITIES, Fixtures.productsGlobal());
    private final ReadOnlyView<String, Order> view = kit.view(BY_ID);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void change_position_namesTheInputRecordThatMadeIt() {
        List<Change<String, Order>> changes = new CopyOnWriteArrayList<>();
        try (Subscription subscription = view.subscribe(changes::add)) {
            kit.input(ORDERS).pipe("o-1", new Order("p-1", 1)).pipe("o-2", new Order("p-2", 2)).delete("o-1");

            await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() == 3);
        }
        assertThat(changes).extracting(Change::position).containsExactly(
                dev.unbundled.Freshness.after(ORDERS.name(), 0, 0),
                dev.unbundled.Freshness.after(ORDERS.name(), 0, 1),
                dev.unbundled.Freshness.after(ORDERS.name(), 0, 2));
        assertThat(changes.get(2).isDelete()).isTrue();
    }

    @Test
    void change_afterARepartition_hasNoPosition() {
        ViewDefinition<String, Integer> byProduct = View.from(ORDERS)
                .rekey(Order::productId, Serdes.String())
                .mapValues(Order::quantity, Serdes.Integer())
                .materialize("quantity-by-product");
        List<Change<String, Integer>> changes = new CopyOnWriteArrayList<>();
        try (ViewTestKit rekeyed = ViewTestKit.of(StoreUnderTest.get(), byProduct);
             Subscription subscription = rekeyed.view(byProduct).subscribe(changes::add)) {
            rekeyed.input(ORDERS).pipe("o-1", new Order("p-1", 5));

            await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
        }
        assertThat(changes.get(0).key()).isEqualTo("p-1");
        assertThat(changes.get(0).position().isAny()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42})
    void subscribe_randomUpdateSequence_deliversEveryChangeOnceInPerKeyOrder(long seed) {
        Map<String, List<Optional<Order>>> expected = new HashMap<>();
        Map<String, List<Optional<Integer>>> expectedQuantities = new HashMap<>();
        Map<String, List<Optional<Order>>> received = new ConcurrentHashMap<>();
        Map<String, List<Optional<Integer>>> receivedQuantities = new ConcurrentHashMap<>();
        AtomicInteger count = new AtomicInteger();
        Subscription orders = view.subscribe(change -> {
            received.computeIfAbsent(change.key(), k -> new CopyOnWriteArrayList<>()).add(change.newValue());
            count.incrementAndGet();
        });
        Subscription quantities = kit.view(QUANTITIES).subscribe(change -> {
            receivedQuantities.computeIfAbsent(change.key(), k -> new CopyOnWriteArrayList<>()).add(change.newValue());
            count.incrementAndGet();
        });
        Random random = new Random(seed);
        TestInput<String, Order> input = kit.input(ORDERS);
        Map<String, Order> current = new HashMap<>();
        int updates = 2_000;
        for (int i = 0; i < updates; i++) {
            String key = "o-" + random.nextInt(40);
            Optional<Order> value = current.containsKey(key) && random.nextInt(4) == 0 ? Optional.empty()
                    : Optional.of(new Order("p-" + random.nextInt(5), random.nextInt(100)));
            if (value.isPresent()) {
                input.pipe(key, value.get());
                current.put(key, value.get());
            } else {
                input.delete(key);
                current.remove(key);
            }
            expected.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            expectedQuantities.computeIfAbsent(key, k -> new ArrayList<>()).add(value.map(Order::quantity));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> count.get() >= 2 * updates);

        assertThat(received).isEqualTo(expected);
        assertThat(receivedQuantities).isEqualTo(expectedQuantities);
        assertThat(orders.delivered()).isEqualTo(updates);
        assertThat(quantities.delivered()).isEqualTo(updates);
        assertThat(orders.isActive()).isTrue();
    }

    @Test
    void subscribe_change_isDeliveredOffTheCallersThreadAfterItIsApplied() {
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<Optional<Order>> seenInView = new AtomicReference<>();
        view.subscribe(change -> {
            seenInView.set(view.get(change.key()));
            thread.set(Thread.currentThread().getName());
        });

        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null);
        assertThat(thread.get()).startsWith("unbundled-orders-by-id-subscription").isNotEqualTo(Thread.currentThread().getName());
        assertThat(seenInView.get()).contains(new Order("p-1", 1));
    }

    @Test
    void subscribe_slowListener_isDroppedWithAnError_processingGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        AtomicReference<ViewException> error = new AtomicReference<>();
        Subscription subscription = view.subscribe(new ChangeListener<>() {
            @Override
            public void onChange(Change<String, Order> change) {
                delivered.incrementAndGet();
                awaitQuietly(release);
            }

            @Override
            public void onError(ViewException e) {
                error.set(e);
            }
        }, 8);

        // a listener that holds its dispatcher must never hold the stream thread
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 1_000; i++) {
                kit.input(ORDERS).pipe("o-" + i, new Order("p-1", i));
            }
        });
        assertThat(view.approximateCount()).isEqualTo(1_000);
        assertThat(subscription.isActive()).isFalse();
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> error.get() != null);
        assertThat(error.get()).hasMessageContaining("orders-by-id").hasMessageContaining("buffer of 8")
                .hasMessageContaining("subscribe again");
        // the eight buffered changes (and the one being handled, if the dispatcher had taken it): nothing later
        assertThat(delivered.get()).isBetween(8, 9);
    }

    @Test
    void close_stopsDeliveries() {
        List<Change<String, Order>> received = new CopyOnWriteArrayList<>();
        Subscription subscription = view.subscribe(received::add);
        subscription.close();
        subscription.close();

        kit.input(ORDERS).pipe("o-1", new Order("p-1", 1));

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(received::isEmpty);
        assertThat(subscription.isActive()).isFalse();
    }

    @Test
    void subscribe_globalView_failsNamingTheView() {
        ReadOnlyView<String, Fixtures.Product> products = kit.view(Fixtures.productsGlobal());

        assertThatThrownBy(() -> products.subscribe(change -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("products").hasMessageContaining("global");
    }

    @Test
    void subscribe_badArguments_failNamingTheView() {
        assertThatThrownBy(() -> view.subscribe(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("orders-by-id");
        assertThatThrownBy(() -> view.subscribe(null, 10)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> view.subscribe(change -> { }, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-by-id").hasMessageContaining("capacity");
    }

    @Test
    void subscribe_closedKit_fails() {
        kit.close();

        assertThatThrownBy(() -> view.subscribe(change -> { })).isInstanceOf(IllegalStateException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
