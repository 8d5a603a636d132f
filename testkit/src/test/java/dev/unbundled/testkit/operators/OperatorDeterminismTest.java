package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.ORDER_EVENTS;
import static dev.unbundled.testkit.operators.Fixtures.PLAYS;
import static dev.unbundled.testkit.operators.Fixtures.PRODUCTS;
import static dev.unbundled.testkit.operators.Fixtures.SHIPMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.OrderNote;
import dev.unbundled.testkit.operators.Fixtures.Play;
import dev.unbundled.testkit.operators.Fixtures.Tracking;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A definition is a value: it compiles to the same topology every time, with names derived from the view. */
class OperatorDeterminismTest {
    private static final Set<String> TOPICS = Stream.of(ORDERS, PRODUCTS, SHIPMENTS, ORDER_EVENTS, PLAYS)
            .map(Topic::name).collect(Collectors.toSet());

    /** One definition per operator, built afresh on every call, as a redeployed service would. */
    static Stream<Arguments> definitions() {
        List<Arguments> all = new ArrayList<>();
        add(all, "filter", () -> View.from(ORDERS).filter((id, o) -> o.quantity() > 0).materialize("v-filter"));
        add(all, "mapValues", () -> View.from(ORDERS).mapValues(Order::quantity, Serdes.Integer()).materialize("v-map"));
        add(all, "join", () -> View.from(ORDERS).join(View.from(SHIPMENTS), Tracking::of)
                .materialize("v-join", Json.serde(Tracking.class)));
        add(all, "leftJoin", () -> View.from(ORDERS).leftJoin(View.from(SHIPMENTS), Tracking::of)
                .materialize("v-left-join", Json.serde(Tracking.class)));
        add(all, "fk join", () -> View.from(ORDERS).join(View.from(PRODUCTS), Order::productId, OrderNote::of)
                .materialize("v-fk-join", Json.serde(OrderNote.class)));
        add(all, "fk leftJoin", () -> View.from(ORDERS).leftJoin(View.from(PRODUCTS), Order::productId, OrderNote::of)
                .materialize("v-fk-left-join", Json.serde(OrderNote.class)));
        add(all, "lookup", () -> View.from(ORDERS).lookup(Fixtures.productsGlobal(), Order::productId, OrderNote::of)
                .materialize("v-lookup", Json.serde(OrderNote.class)));
        add(all, "events lookup", () -> View.events(ORDER_EVENTS)
                .lookup(Fixtures.productsGlobal(), Order::productId, (o, p) -> p.category())
                .withValueSerde(Serdes.String()).groupBy(c -> c, Serdes.String()).count().materialize("v-events-lookup"));
        add(all, "rekey", () -> View.from(ORDERS).rekey(Order::productId, Serdes.String()).materialize("v-rekey"));
        add(all, "table count", () -> View.from(ORDERS).groupBy(Order::productId, Serdes.String()).count()
                .materialize("v-count"));
        add(all, "table reduce", () -> View.from(ORDERS).groupBy(Order::productId, Serdes.String())
                .reduce((a, b) -> a, (a, b) -> a).materialize("v-reduce"));
        add(all, "table aggregate", () -> View.from(ORDERS).groupBy(Order::productId, Serdes.String())
                .aggregate(() -> 0L, (s, o) -> s, (s, o) -> s, Serdes.Long()).materialize("v-aggregate"));
        add(all, "events count", () -> View.events(PLAYS).groupBy(Play::song, Serdes.String()).count()
                .materialize("v-events-count"));
        add(all, "events reduce", () -> View.events(PLAYS).groupBy(Play::song, Serdes.String()).reduce((a, b) -> b)
                .materialize("v-events-reduce"));
        add(all, "events aggregate", () -> View.events(PLAYS).groupBy(Play::song, Serdes.String())
                .aggregate(() -> 0L, (s, p) -> s + 1, Serdes.Long()).materialize("v-events-aggregate"));
        add(all, "latestBy", () -> View.events(PLAYS).latestBy(Play::song, Serdes.String()).materialize("v-latest"));
        add(all, "fk join inside", () -> View.from(ORDERS)
                .join(View.from(PRODUCTS), Order::productId, OrderNote::of).withValueSerde(Json.serde(OrderNote.class))
                .groupBy(OrderNote::product, Serdes.String()).count().materialize("v-fk-join-inside"));
        add(all, "join of joins", () -> View.from(ORDERS)
                .join(View.from(PRODUCTS), Order::productId, OrderNote::of).withValueSerde(Json.serde(OrderNote.class))
                .join(View.from(SHIPMENTS), (note, shipment) -> note).materialize("v-join-of-joins", Json.serde(OrderNote.class)));
        add(all, "self join", () -> View.from(ORDERS).join(View.from(ORDERS), (a, b) -> a)
                .materialize("v-self-join", Json.serde(Order.class)));
        add(all, "self join of filters", () -> View.from(ORDERS).filter((id, o) -> o.quantity() > 0)
                .leftJoin(View.from(ORDERS).filter((id, o) -> o.quantity() > 9), (a, b) -> a)
                .withValueSerde(Json.serde(Order.class))
                .join(View.from(ORDERS), (ab, c) -> c).materialize("v-self-join-of-filters", Json.serde(Order.class)));
        add(all, "fk self join", () -> View.from(ORDERS).join(View.from(ORDERS), Order::productId, (a, b) -> b)
                .materialize("v-fk-self-join", Json.serde(Order.class)));
        add(all, "source", () -> View.from(ORDERS).materialize("v-source"));
        add(all, "global", Fixtures::productsGlobal);
        return all.stream();
    }

    private static void add(List<Arguments> all, String operator, Supplier<ViewDefinition<?, ?>> definition) {
        all.add(Arguments.of(operator, definition));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void describe_sameDefinitionTwice_isIdentical(String operator, Supplier<ViewDefinition<?, ?>> build) {
        ViewDefinition<?, ?> definition = build.get();

        assertThat(definition.describe()).isEqualTo(definition.describe());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void describe_definitionBuiltTwice_isIdentical(String operator, Supplier<ViewDefinition<?, ?>> build) {
        assertThat(build.get().describe()).isEqualTo(build.get().describe());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void topology_everyName_derivesFromViewOrTopic(String operator, Supplier<ViewDefinition<?, ?>> build) {
        ViewDefinition<?, ?> definition = build.get();
        Set<String> names = names(definition.topology().describe());

        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(name)
                .as("a name in the topology of '%s'", definition.name())
                .matches(n -> derivesFrom(n, definition.name()), "starts with '" + definition.name()
                        + ".', 'source.' or a topic name"));
    }

    @Test
    void topology_viewCompiledAlongsideOthers_keepsItsOwnNames() {
        ViewDefinition<?, ?> notes = View.from(ORDERS).join(View.from(PRODUCTS), Order::productId, OrderNote::of)
                .materialize("notes", Json.serde(OrderNote.class));
        ViewDefinition<?, ?> counts = View.from(ORDERS).groupBy(Order::productId, Serdes.String()).count()
                .materialize("counts");
        Set<String> alone = ownNames(notes.topology().describe(), "notes");

        try (ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), counts, notes)) {
            assertThat(kit.describe()).contains(alone);
        }
    }

    private static boolean derivesFrom(String name, String view) {
        return name.equals(view) || name.startsWith(view + ".") || name.startsWith("source.")
                || TOPICS.stream().anyMatch(topic -> name.equals(topic) || name.startsWith(topic + "."));
    }

    private static Set<String> ownNames(TopologyDescription description, String view) {
        return names(description).stream().filter(n -> n.startsWith(view + ".")).collect(Collectors.toSet());
    }

    /** Every processor, source, sink, store and topic name in a topology. */
    private static Set<String> names(TopologyDescription description) {
        Set<String> names = new java.util.TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            subtopology.nodes().forEach(node -> addNode(node, names));
        }
        for (TopologyDescription.GlobalStore store : description.globalStores()) {
            addNode(store.source(), names);
            addNode(store.processor(), names);
        }
        return names;
    }

    private static void addNode(TopologyDescription.Node node, Set<String> names) {
        names.add(node.name());
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
            names.addAll(source.topicSet());
        } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
            names.add(sink.topic());
        } else if (node instanceof TopologyDescription.Processor processor) {
            names.addAll(processor.stores());
        }
    }
}
