package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.ORDER_EVENTS;
import static dev.unbundled.testkit.operators.Fixtures.PLAYS;
import static dev.unbundled.testkit.operators.Fixtures.PRODUCTS;
import static dev.unbundled.testkit.operators.Fixtures.SHIPMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.DeadLetter;
import dev.unbundled.EventStream;
import dev.unbundled.GroupedEvents;
import dev.unbundled.GroupedView;
import dev.unbundled.History;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStore;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewAssertions;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.OrderNote;
import dev.unbundled.testkit.operators.Fixtures.Play;
import dev.unbundled.testkit.operators.Fixtures.Product;
import dev.unbundled.testkit.operators.Fixtures.Shipment;
import dev.unbundled.testkit.operators.Fixtures.Tracking;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** API misuse fails fast, with an exception whose message names the view or argument and what to do. */
class OperatorMisuseTest {
    private static final View<String, Order> ORDERS_VIEW = View.from(ORDERS);
    private static final View<String, Product> PRODUCTS_VIEW = View.from(PRODUCTS);
    private static final View<String, Shipment> SHIPMENTS_VIEW = View.from(SHIPMENTS);
    private static final EventStream<String, Play> PLAY_EVENTS = View.events(PLAYS);
    private static final GroupedView<String, Order> GROUPED_ORDERS = ORDERS_VIEW.groupBy(Order::productId, Serdes.String());
    private static final GroupedEvents<String, Play> GROUPED_PLAYS = PLAY_EVENTS.groupBy(Play::song, Serdes.String());
    private static final ViewDefinition<String, Product> PRODUCTS_GLOBAL = Fixtures.productsGlobal();
    private static final ViewDefinition<String, Order> ORDERS_BY_ID = ORDERS_VIEW.materialize("orders-by-id");

    private static final BiPredicate<String, Order> ANY_ORDER = (id, order) -> true;
    private static final Function<Order, Integer> QUANTITY = Order::quantity;
    private static final Function<Order, String> PRODUCT_ID = Order::productId;
    private static final Function<Play, String> SONG = Play::song;
    private static final BiFunction<Order, Shipment, Tracking> TRACKING = Tracking::of;
    private static final BiFunction<Order, Product, OrderNote> NOTE = OrderNote::of;
    private static final BiFunction<Play, Product, String> CATEGORY = (play, product) -> product.category();
    private static final BiFunction<Order, Order, Order> ORDER_SUM = (a, b) -> new Order(a.productId(), a.quantity() + b.quantity());
    private static final BiFunction<Play, Play, Play> PLAY_SUM = (a, b) -> new Play(a.song(), a.seconds() + b.seconds());
    private static final Supplier<Long> ZERO = () -> 0L;
    private static final History WEEK = History.retain(Duration.ofDays(7));
    private static final BiFunction<Long, Order, Long> ADD_ORDER = (sum, order) -> sum + order.quantity();
    private static final BiFunction<Long, Play, Long> ADD_PLAY = (sum, play) -> sum + play.seconds();

    private static Arguments call(String method, String argument, ThrowingCallable call) {
        return Arguments.of(method + " with null " + argument, argument, call);
    }

    static Stream<Arguments> dslCallsWithNull() {
        return Stream.of(
                call("View.from", "topic", () -> View.from(null)),
                call("View.events", "topic", () -> View.events(null)),
                call("View.filter", "predicate", () -> ORDERS_VIEW.filter(null)),
                call("View.mapValues(mapper)", "mapper", () -> ORDERS_VIEW.mapValues(null)),
                call("View.mapValues(mapper, serde)", "mapper", () -> ORDERS_VIEW.mapValues(null, Serdes.Integer())),
                call("View.mapValues(mapper, serde)", "valueSerde", () -> ORDERS_VIEW.mapValues(QUANTITY, null)),
                call("View.join(other, joiner)", "other", () -> ORDERS_VIEW.join((View<String, Shipment>) null, TRACKING)),
                call("View.join(other, joiner)", "joiner",
                        () -> ORDERS_VIEW.join(SHIPMENTS_VIEW, (BiFunction<Order, Shipment, Tracking>) null)),
                call("View.leftJoin(other, joiner)", "other",
                        () -> ORDERS_VIEW.leftJoin((View<String, Shipment>) null, TRACKING)),
                call("View.leftJoin(other, joiner)", "joiner",
                        () -> ORDERS_VIEW.leftJoin(SHIPMENTS_VIEW, (BiFunction<Order, Shipment, Tracking>) null)),
                call("View.join(other, foreignKey, joiner)", "other",
                        () -> ORDERS_VIEW.join((View<String, Product>) null, PRODUCT_ID, NOTE)),
                call("View.join(other, foreignKey, joiner)", "foreignKey",
                        () -> ORDERS_VIEW.join(PRODUCTS_VIEW, (Function<Order, String>) null, NOTE)),
                call("View.join(other, foreignKey, joiner)", "joiner",
                        () -> ORDERS_VIEW.join(PRODUCTS_VIEW, PRODUCT_ID, (BiFunction<Order, Product, OrderNote>) null)),
                call("View.leftJoin(other, foreignKey, joiner)", "other",
                        () -> ORDERS_VIEW.leftJoin((View<String, Product>) null, PRODUCT_ID, NOTE)),
                call("View.leftJoin(other, foreignKey, joiner)", "foreignKey",
                        () -> ORDERS_VIEW.leftJoin(PRODUCTS_VIEW, (Function<Order, String>) null, NOTE)),
                call("View.leftJoin(other, foreignKey, joiner)", "joiner",
                        () -> ORDERS_VIEW.leftJoin(PRODUCTS_VIEW, PRODUCT_ID, (BiFunction<Order, Product, OrderNote>) null)),
                call("View.lookup", "global", () -> ORDERS_VIEW.lookup(null, PRODUCT_ID, NOTE)),
                call("View.lookup", "keyOf", () -> ORDERS_VIEW.lookup(PRODUCTS_GLOBAL, null, NOTE)),
                call("View.lookup", "joiner", () -> ORDERS_VIEW.lookup(PRODUCTS_GLOBAL, PRODUCT_ID, null)),
                call("View.rekey", "keyOf", () -> ORDERS_VIEW.rekey(null, Serdes.String())),
                call("View.rekey", "keySerde", () -> ORDERS_VIEW.rekey(PRODUCT_ID, null)),
                call("View.groupBy", "keyOf", () -> ORDERS_VIEW.groupBy(null, Serdes.String())),
                call("View.groupBy", "keySerde", () -> ORDERS_VIEW.groupBy(PRODUCT_ID, null)),
                call("View.withValueSerde", "valueSerde", () -> ORDERS_VIEW.mapValues(QUANTITY).withValueSerde(null)),
                call("View.materialize(name)", "name", () -> ORDERS_VIEW.materialize(null)),
                call("View.materialize(name, serde)", "name",
                        () -> ORDERS_VIEW.mapValues(QUANTITY).materialize(null, Serdes.Integer())),
                call("View.materialize(name, serde)", "valueSerde",
                        () -> ORDERS_VIEW.mapValues(QUANTITY).materialize("quantities", (Serde<Integer>) null)),
                call("View.materialize(name, history)", "name", () -> ORDERS_VIEW.materialize(null, WEEK)),
                call("View.materialize(name, history)", "history", () -> ORDERS_VIEW.materialize("orders", (History) null)),
                call("View.materialize(name, serde, history)", "name",
                        () -> ORDERS_VIEW.mapValues(QUANTITY).materialize(null, Serdes.Integer(), WEEK)),
                call("View.materialize(name, serde, history)", "valueSerde",
                        () -> ORDERS_VIEW.mapValues(QUANTITY).materialize("quantities", null, WEEK)),
                call("View.materialize(name, serde, history)", "history",
                        () -> ORDERS_VIEW.mapValues(QUANTITY).materialize("quantities", Serdes.Integer(), null)),
                call("History.retain", "retention", () -> History.retain(null)),
                call("EventStream.filter", "predicate", () -> PLAY_EVENTS.filter(null)),
                call("EventStream.mapValues(mapper)", "mapper", () -> PLAY_EVENTS.mapValues(null)),
                call("EventStream.mapValues(mapper, serde)", "mapper", () -> PLAY_EVENTS.mapValues(null, Serdes.String())),
                call("EventStream.mapValues(mapper, serde)", "valueSerde", () -> PLAY_EVENTS.mapValues(SONG, null)),
                call("EventStream.lookup", "global", () -> PLAY_EVENTS.lookup(null, SONG, CATEGORY)),
                call("EventStream.lookup", "keyOf", () -> PLAY_EVENTS.lookup(PRODUCTS_GLOBAL, null, CATEGORY)),
                call("EventStream.lookup", "joiner", () -> PLAY_EVENTS.lookup(PRODUCTS_GLOBAL, SONG, null)),
                call("EventStream.groupBy", "keyOf", () -> PLAY_EVENTS.groupBy(null, Serdes.String())),
                call("EventStream.groupBy", "keySerde", () -> PLAY_EVENTS.groupBy(SONG, null)),
                call("EventStream.latestBy", "keyOf", () -> PLAY_EVENTS.latestBy(null, Serdes.String())),
                call("EventStream.latestBy", "keySerde", () -> PLAY_EVENTS.latestBy(SONG, null)),
                call("EventStream.withValueSerde", "valueSerde", () -> PLAY_EVENTS.mapValues(SONG).withValueSerde(null)),
                call("GroupedView.reduce", "adder", () -> GROUPED_ORDERS.reduce(null, ORDER_SUM)),
                call("GroupedView.reduce", "subtractor", () -> GROUPED_ORDERS.reduce(ORDER_SUM, null)),
                call("GroupedView.aggregate", "initializer",
                        () -> GROUPED_ORDERS.aggregate(null, ADD_ORDER, ADD_ORDER, Serdes.Long())),
                call("GroupedView.aggregate", "adder", () -> GROUPED_ORDERS.aggregate(ZERO, null, ADD_ORDER, Serdes.Long())),
                call("GroupedView.aggregate", "subtractor",
                        () -> GROUPED_ORDERS.aggregate(ZERO, ADD_ORDER, null, Serdes.Long())),
                call("GroupedView.aggregate", "aggregateSerde",
                        () -> GROUPED_ORDERS.aggregate(ZERO, ADD_ORDER, ADD_ORDER, null)),
                call("GroupedEvents.reduce", "reducer", () -> GROUPED_PLAYS.reduce(null)),
                call("GroupedEvents.aggregate", "initializer", () -> GROUPED_PLAYS.aggregate(null, ADD_PLAY, Serdes.Long())),
                call("GroupedEvents.aggregate", "adder", () -> GROUPED_PLAYS.aggregate(ZERO, null, Serdes.Long())),
                call("GroupedEvents.aggregate", "aggregateSerde", () -> GROUPED_PLAYS.aggregate(ZERO, ADD_PLAY, null)),
                call("Topic.of", "name", () -> Topic.of(null, Serdes.String(), Serdes.String())),
                call("Topic.of", "keySerde", () -> Topic.of("t", null, Serdes.String())),
                call("Topic.of", "valueSerde", () -> Topic.of("t", Serdes.String(), null)),
                call("Json.serde", "type", () -> Json.serde((Class<?>) null)),
                call("DeadLetter.of", "headers", () -> DeadLetter.of(null, new byte[0], new byte[0])),
                call("ViewRuntime.Builder.applicationId", "applicationId", () -> ViewRuntime.builder().applicationId(null)),
                call("ViewRuntime.Builder.bootstrapServers", "bootstrapServers",
                        () -> ViewRuntime.builder().bootstrapServers(null)),
                call("ViewRuntime.Builder.stateDir", "stateDir", () -> ViewRuntime.builder().stateDir(null)),
                call("ViewRuntime.Builder.view", "definition", () -> ViewRuntime.builder().view(null)),
                call("ViewRuntime.Builder.property", "key", () -> ViewRuntime.builder().property(null, "v")),
                call("ViewRuntime.Builder.property", "value", () -> ViewRuntime.builder().property("k", null)),
                call("ViewRuntime.Builder.defaultStore", "store", () -> ViewRuntime.builder().defaultStore(null)),
                call("ViewRuntime.Builder.advertise", "host", () -> ViewRuntime.builder().advertise(null, 7070)),
                call("ViewRuntime.Builder.transport", "transport", () -> ViewRuntime.builder().transport(null)),
                call("ViewDefinition.withStore", "store", () -> ORDERS_BY_ID.withStore(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dslCallsWithNull")
    void dslMethod_nullArgument_throwsNullPointerNamingIt(String call, String argument, ThrowingCallable method) {
        assertThatThrownBy(method).isInstanceOf(NullPointerException.class).hasMessageContaining(argument);
    }

    private static Arguments read(String method, String argument, Consumer<ReadOnlyView<String, Order>> call) {
        return Arguments.of(method + " with null " + argument, call);
    }

    static Stream<Arguments> readCallsWithNull() {
        Serializer<String> strings = new StringSerializer();
        return Stream.of(
                read("get", "key", view -> view.get(null)),
                read("getAsOf", "key", view -> view.getAsOf(null, Instant.EPOCH)),
                read("getAsOf", "asOf", view -> view.getAsOf("o-1", null)),
                read("getAll", "keys", view -> view.getAll(null)),
                read("getAll", "one key", view -> view.getAll(Arrays.asList("o-1", null))),
                read("range", "from", view -> view.range(null, "o-9")),
                read("range", "to", view -> view.range("o-1", null)),
                read("prefixScan", "prefix", view -> view.prefixScan(null)),
                read("prefixScan(prefix, serializer)", "prefix", view -> view.prefixScan(null, strings)),
                read("prefixScan(prefix, serializer)", "serializer",
                        view -> view.prefixScan("o-", (Serializer<String>) null)),
                read("page(from, to, limit)", "from", view -> view.page(null, "o-9", 10)),
                read("page(from, to, limit)", "to", view -> view.page("o-1", null, 10)),
                read("awaitReady", "timeout", view -> view.awaitReady(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readCallsWithNull")
    void readMethod_nullArgument_throwsNullPointerNamingView(String call, Consumer<ReadOnlyView<String, Order>> method) {
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID)) {
            ReadOnlyView<String, Order> view = kit.view(ORDERS_BY_ID);

            assertThatThrownBy(() -> method.accept(view))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("orders-by-id");
        }
    }

    private static Arguments kitCall(String method, String argument, Consumer<ViewTestKit> call) {
        return Arguments.of(method + " with null " + argument, call);
    }

    static Stream<Arguments> kitCallsWithNull() {
        return Stream.of(
                kitCall("input", "topic", kit -> kit.input(null)),
                kitCall("view", "definition", kit -> kit.view(null)),
                kitCall("deadLetters", "definition", kit -> kit.deadLetters(null)),
                kitCall("TestInput.pipe", "key", kit -> kit.input(ORDERS).pipe(null, new Order("p-1", 1))),
                kitCall("TestInput.pipe", "value", kit -> kit.input(ORDERS).pipe("o-1", null)),
                kitCall("TestInput.pipe(key, value, timestamp)", "timestamp",
                        kit -> kit.input(ORDERS).pipe("o-1", new Order("p-1", 1), null)),
                kitCall("TestInput.pipe(key, value, timestamp)", "key",
                        kit -> kit.input(ORDERS).pipe(null, new Order("p-1", 1), Instant.EPOCH)),
                kitCall("TestInput.delete", "key", kit -> kit.input(ORDERS).delete(null)),
                kitCall("TestInput.delete(key, timestamp)", "key", kit -> kit.input(ORDERS).delete(null, Instant.EPOCH)),
                kitCall("TestInput.delete(key, timestamp)", "timestamp", kit -> kit.input(ORDERS).delete("o-1", null)),
                kitCall("ViewAssert.containsExactlyEntriesOf", "expected",
                        kit -> ViewAssertions.assertThat(kit.view(ORDERS_BY_ID)).containsExactlyEntriesOf(null)),
                kitCall("ViewAssert.containsEntry", "key",
                        kit -> ViewAssertions.assertThat(kit.view(ORDERS_BY_ID)).containsEntry(null, new Order("p-1", 1))),
                kitCall("ViewAssert.containsKey", "key", kit -> ViewAssertions.assertThat(kit.view(ORDERS_BY_ID)).containsKey(null)),
                kitCall("ViewAssert.doesNotContainKey", "key",
                        kit -> ViewAssertions.assertThat(kit.view(ORDERS_BY_ID)).doesNotContainKey(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kitCallsWithNull")
    void testkitMethod_nullArgument_throwsNullPointer(String call, Consumer<ViewTestKit> method) {
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID)) {
            assertThatThrownBy(() -> method.accept(kit)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void viewTestKitOf_nullDefinitions_throwsNullPointer() {
        assertThatThrownBy(() -> ViewTestKit.of((ViewDefinition<?, ?>[]) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void viewTestKitOf_nullStore_throwsNullPointerNamingIt() {
        assertThatThrownBy(() -> ViewTestKit.of((ViewStore) null, ORDERS_BY_ID))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("defaultStore");
    }

    @Test
    void viewAssertionsAssertThat_nullView_failsOnTheFirstCheck() {
        assertThatThrownBy(() -> ViewAssertions.assertThat((ReadOnlyView<String, Order>) null).containsKey("o-1"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting actual not to be null");
    }

    @Test
    void viewTestKitOf_nullAmongDefinitions_throwsNullPointer() {
        assertThatThrownBy(() -> ViewTestKit.of(ORDERS_BY_ID, null)).isInstanceOf(NullPointerException.class);
    }

    // names

    @ParameterizedTest
    @ValueSource(strings = {"a b", "", "source", "a.b", "a/b", "ä"})
    void materialize_illegalName_throwsIllegalArgumentQuotingIt(String name) {
        assertThatThrownBy(() -> ORDERS_VIEW.materialize(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'");
    }

    @Test
    void materialize_nameLongerThan180_throwsIllegalArgument() {
        assertThatThrownBy(() -> ORDERS_VIEW.materialize("v".repeat(181))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v", "order-notes", "Order_Notes_2", "sources"})
    void materialize_legalName_isKept(String name) {
        assertThat(ORDERS_VIEW.materialize(name).name()).isEqualTo(name);
    }

    // serdes

    @Test
    void materialize_afterMapValuesWithoutSerde_throwsIllegalStateNamingViewAndFix() {
        assertThatThrownBy(() -> ORDERS_VIEW.mapValues(QUANTITY).materialize("quantities"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'quantities'")
                .hasMessageContaining("materialize(\"quantities\", valueSerde)");
    }

    @Test
    void materialize_fkJoinAfterMapValuesWithoutSerde_throwsIllegalStateNamingBothSteps() {
        assertThatThrownBy(() -> ORDERS_VIEW.mapValues(order -> order)
                .join(PRODUCTS_VIEW, Order::productId, OrderNote::of)
                .materialize("notes", Json.serde(OrderNote.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'notes'")
                .hasMessageContaining("fk-join")
                .hasMessageContaining("map-values")
                .hasMessageContaining("withValueSerde");
    }

    @Test
    void materialize_groupByAfterMapValuesWithoutSerde_throwsIllegalStateNamingBothSteps() {
        assertThatThrownBy(() -> ORDERS_VIEW.mapValues(QUANTITY)
                .groupBy(quantity -> "all", Serdes.String())
                .count()
                .materialize("quantity-count"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'quantity-count'")
                .hasMessageContaining("count")
                .hasMessageContaining("map-values");
    }

    @Test
    void materialize_rekeyAfterMapValuesWithoutSerde_throwsIllegalStateNamingView() {
        assertThatThrownBy(() -> ORDERS_VIEW.mapValues(QUANTITY)
                .rekey(quantity -> "q" + quantity, Serdes.String())
                .materialize("by-quantity"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'by-quantity'")
                .hasMessageContaining("rekey");
    }

    @Test
    void materialize_eventAggregationAfterLookupWithoutSerde_throwsIllegalStateNamingView() {
        assertThatThrownBy(() -> PLAY_EVENTS.lookup(PRODUCTS_GLOBAL, SONG, CATEGORY)
                .groupBy(category -> category, Serdes.String())
                .count()
                .materialize("plays-per-category"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'plays-per-category'")
                .hasMessageContaining("lookup");
    }

    @Test
    void materialize_joinUnderJoinWithoutSerde_throwsIllegalStateNamingViewStepsAndFix() {
        assertThatThrownBy(() -> ORDERS_VIEW.join(SHIPMENTS_VIEW, TRACKING)
                .leftJoin(SHIPMENTS_VIEW, (Tracking tracking, Shipment shipment) -> tracking.carrier())
                .materialize("carriers", Serdes.String()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'carriers'")
                .hasMessageContaining("result of join()")
                .hasMessageContaining("left-join()")
                .hasMessageContaining("withValueSerde(serde) right after join()");
    }

    @Test
    void materialize_joinAsOtherSideOfJoinWithoutSerde_throwsIllegalStateNamingView() {
        View<String, String> carriers = SHIPMENTS_VIEW.join(SHIPMENTS_VIEW, (Shipment a, Shipment b) -> a.carrier());

        assertThatThrownBy(() -> ORDERS_VIEW.join(carriers, (Order order, String carrier) -> carrier)
                .materialize("order-carriers", Serdes.String()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'order-carriers'")
                .hasMessageContaining("result of join()");
    }

    @Test
    void materialize_joinUnderGroupByThroughMapValuesWithoutSerde_throwsIllegalStateNamingGrouping() {
        assertThatThrownBy(() -> ORDERS_VIEW.join(SHIPMENTS_VIEW, TRACKING)
                .mapValues(Tracking::carrier, Serdes.String())
                .groupBy(carrier -> carrier, Serdes.String())
                .count()
                .materialize("orders-per-carrier"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'orders-per-carrier'")
                .hasMessageContaining("because count() reads its old values")
                .hasMessageContaining("right after join()");
    }

    @Test
    void materialize_joinUnderRekeyThroughFilterWithoutSerde_throwsIllegalStateNamingRekey() {
        assertThatThrownBy(() -> ORDERS_VIEW.join(SHIPMENTS_VIEW, TRACKING)
                .filter((id, tracking) -> tracking.quantity() > 0)
                .mapValues(Tracking::carrier, Serdes.String())
                .rekey(carrier -> carrier, Serdes.String())
                .materialize("by-carrier"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'by-carrier'")
                .hasMessageContaining("because rekey() reads its old values");
    }

    @Test
    void materialize_fkJoinUnderMapValuesWithoutSerde_throwsIllegalStateNamingFkJoin() {
        assertThatThrownBy(() -> ORDERS_VIEW.join(PRODUCTS_VIEW, PRODUCT_ID, NOTE)
                .mapValues(OrderNote::product, Serdes.String())
                .materialize("product-names"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'product-names'")
                .hasMessageContaining("result of fk-join() in a store")
                .hasMessageContaining("withValueSerde(serde) right after fk-join()");
    }

    @Test
    void materialize_fkJoinIntoMapValuesWithoutSerde_throwsIllegalStateNamingOtherSide() {
        View<String, String> productNames = PRODUCTS_VIEW.mapValues(Product::name);

        assertThatThrownBy(() -> ORDERS_VIEW.join(productNames, PRODUCT_ID, (Order order, String name) -> name)
                .materialize("order-product-names", Serdes.String()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'order-product-names'")
                .hasMessageContaining("fk-join() ships the values of the other view's map-values()")
                .hasMessageContaining("on the view passed to fk-join()");
    }

    @Test
    void materialize_joinUnderJoinWithValueSerde_isAccepted() {
        assertThatCode(() -> ORDERS_VIEW.join(SHIPMENTS_VIEW, TRACKING)
                .withValueSerde(Json.serde(Tracking.class))
                .leftJoin(SHIPMENTS_VIEW, (Tracking tracking, Shipment shipment) -> tracking.carrier())
                .materialize("carriers", Serdes.String()))
                .doesNotThrowAnyException();
    }

    @Test
    void materialize_joinAsLastStepWithoutJoinSerde_isAccepted() {
        assertThatCode(() -> ORDERS_VIEW.join(SHIPMENTS_VIEW, TRACKING).materialize("tracking", Json.serde(Tracking.class)))
                .doesNotThrowAnyException();
    }

    @Test
    void materialize_mapValuesWithoutSerdeThenWithValueSerde_isAccepted() {
        assertThatCode(() -> ORDERS_VIEW.mapValues(QUANTITY).withValueSerde(Serdes.Integer()).materialize("quantities"))
                .doesNotThrowAnyException();
    }

    // global views and lookups

    @Test
    void global_filteredView_throwsIllegalStateNamingView() {
        ViewDefinition<String, Order> filtered = ORDERS_VIEW.filter(ANY_ORDER).materialize("some-orders");

        assertThatThrownBy(filtered::global)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'some-orders'");
    }

    @Test
    void global_mappedView_throwsIllegalState() {
        ViewDefinition<String, Integer> mapped = ORDERS_VIEW.mapValues(QUANTITY, Serdes.Integer()).materialize("q");

        assertThatThrownBy(mapped::global).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void global_aggregatedEvents_throwsIllegalState() {
        ViewDefinition<String, Long> counts = GROUPED_PLAYS.count().materialize("plays-per-song");

        assertThatThrownBy(counts::global).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lookup_nonGlobalView_throwsIllegalArgumentNamingIt() {
        ViewDefinition<String, Product> local = PRODUCTS_VIEW.materialize("local-products");

        assertThatThrownBy(() -> ORDERS_VIEW.lookup(local, PRODUCT_ID, NOTE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'local-products'")
                .hasMessageContaining(".global()");
    }

    @Test
    void lookupOnEvents_nonGlobalView_throwsIllegalArgumentNamingIt() {
        ViewDefinition<String, Product> local = PRODUCTS_VIEW.materialize("local-products");

        assertThatThrownBy(() -> PLAY_EVENTS.lookup(local, SONG, CATEGORY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'local-products'");
    }

    @Test
    void viewTestKit_oneViewLooksUpGlobalViewOfATopicAndReadsThatTopicPartitioned_throwsNamingViewAndForeignKeyJoin() {
        ViewDefinition<String, Product> withCategory = PRODUCTS_VIEW
                .lookup(PRODUCTS_GLOBAL, Product::category, (product, category) -> product)
                .materialize("products-with-category", Json.serde(Product.class));

        assertThatThrownBy(() -> ViewTestKit.of(StoreUnderTest.get(), withCategory))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("View 'products-with-category' looks up the global view 'products' of topic"
                        + " 'products' and also reads topic 'products' partitioned")
                .hasMessageContaining("join(View.from(products), keyOf, joiner), instead of lookup()")
                .hasMessageNotContaining("second ViewRuntime");
    }

    @Test
    void topology_oneViewLooksUpGlobalViewOfATopicAndReadsThatTopicPartitioned_throwsNamingView() {
        ViewDefinition<String, OrderNote> enrichedProducts = PRODUCTS_VIEW
                .join(ORDERS_VIEW, (product, order) -> order)
                .lookup(PRODUCTS_GLOBAL, PRODUCT_ID, NOTE)
                .materialize("enriched-products", Json.serde(OrderNote.class));

        assertThatThrownBy(enrichedProducts::topology)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("View 'enriched-products' looks up the global view 'products'")
                .hasMessageContaining("foreign-key join");
    }

    // the testkit

    @Test
    void view_definitionNotInKit_throwsIllegalArgumentNamingView() {
        ViewDefinition<String, Order> other = ORDERS_VIEW.filter(ANY_ORDER).materialize("not-in-kit");
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID)) {
            assertThatThrownBy(() -> kit.view(other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'not-in-kit'");
        }
    }

    @Test
    void deadLetters_definitionNotInKit_throwsIllegalArgumentNamingView() {
        ViewDefinition<String, Order> other = ORDERS_VIEW.filter(ANY_ORDER).materialize("not-in-kit");
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID)) {
            assertThatThrownBy(() -> kit.deadLetters(other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'not-in-kit'");
        }
    }

    @Test
    void input_topicNoViewReads_throwsIllegalArgumentNamingTopic() {
        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID)) {
            assertThatThrownBy(() -> kit.input(ORDER_EVENTS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'order-events'");
        }
    }

    @Test
    void viewTestKitOf_noDefinitions_throwsIllegalArgument() {
        assertThatThrownBy(ViewTestKit::of).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void viewTestKitOf_twoDifferentViewsWithOneName_throwsIllegalArgumentNamingIt() {
        ViewDefinition<String, Order> first = ORDERS_VIEW.filter(ANY_ORDER).materialize("twin");
        ViewDefinition<String, Order> second = ORDERS_VIEW.filter((id, order) -> false).materialize("twin");

        assertThatThrownBy(() -> ViewTestKit.of(StoreUnderTest.get(), first, second))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'twin'");
    }

    @Test
    void viewTestKitOf_topicDescribedWithOtherValueSerde_throwsIllegalArgumentNamingTopic() {
        Topic<String, Product> ordersAsProducts = Topic.of("orders", Serdes.String(), Json.serde(Product.class));
        ViewDefinition<String, Product> misread = View.from(ordersAsProducts).filter((id, p) -> true).materialize("misread");

        assertThatThrownBy(() -> ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID, misread))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'orders'");
    }

    @Test
    void viewTestKitOf_topicDescribedTwiceWithEqualSerdes_isAccepted() {
        Topic<String, Order> sameOrders = Topic.of("orders", Serdes.String(), Json.serde(Order.class));
        ViewDefinition<String, Order> again = View.from(sameOrders).filter((id, o) -> true).materialize("again");

        assertThatCode(() -> ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID, again).close())
                .doesNotThrowAnyException();
    }

    @Test
    void viewTestKitOf_topicDescribedWithOtherKeySerde_throwsIllegalArgument() {
        Topic<Long, Order> longKeyed = Topic.of("orders", Serdes.Long(), Json.serde(Order.class));
        ViewDefinition<Long, Order> misread = View.from(longKeyed).filter((id, o) -> true).materialize("misread");

        assertThatThrownBy(() -> ViewTestKit.of(StoreUnderTest.get(), ORDERS_BY_ID, misread))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topicOf_illegalName_throwsIllegalArgument() {
        assertThatThrownBy(() -> Topic.of("no spaces", Serdes.String(), Serdes.String()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'no spaces'");
    }
}
