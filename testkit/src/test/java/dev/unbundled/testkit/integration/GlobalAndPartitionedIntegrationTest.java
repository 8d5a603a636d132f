package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A global view that another view looks up, and a partitioned view of the same topic, in one runtime: each
 * view runs in a Kafka Streams application of its own, so a topic may be read globally by one and
 * partitioned by the other.
 */
class GlobalAndPartitionedIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Customer(String name, String city) {
    }

    record Order(String customerId, int quantity) {
    }

    @TempDir
    Path stateDir;

    @Test
    void start_globalViewLookedUpAndPartitionedViewOfOneTopic_bothAnswerThroughUpdatesAndDeletes() throws Exception {
        Topic<String, Customer> customers = Topic.of("gp-customers", Serdes.String(), Json.serde(Customer.class));
        Topic<String, Order> orders = Topic.of("gp-orders", Serdes.String(), Json.serde(Order.class));
        KAFKA.kafka().createTopics(3, customers.name(), orders.name());
        ViewDefinition<String, Customer> directory = View.from(customers).materialize("customer-directory").global();
        ViewDefinition<String, String> orderCities = View.from(orders)
                .lookup(directory, Order::customerId, (order, customer) -> customer.city())
                .materialize("order-cities", Serdes.String());
        // a global view no view looks up runs in an application of its own, with no partitioned work at all
        ViewDefinition<String, Order> orderDirectory = View.from(orders).materialize("order-directory").global();
        ViewDefinition<String, Long> perCity = View.from(customers)
                .groupBy(Customer::city, Serdes.String()).count().materialize("customers-per-city");

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                Serdes.String().serializer(), Serdes.String().serializer());
             ViewRuntime runtime = ViewRuntime.builder().applicationId("global-and-partitioned")
                     .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir)
                     .view(orderCities).view(perCity).view(directory).view(orderDirectory).start()) {
            producer.send(new ProducerRecord<>(customers.name(), "c-1", "{\"name\":\"Ada\",\"city\":\"Oslo\"}"));
            producer.send(new ProducerRecord<>(customers.name(), "c-2", "{\"name\":\"Bo\",\"city\":\"Oslo\"}"));
            producer.send(new ProducerRecord<>(customers.name(), "c-3", "{\"name\":\"Cy\",\"city\":\"Rome\"}"));
            producer.flush();
            runtime.awaitReady(PATIENCE);
            ReadOnlyView<String, Customer> directoryView = runtime.view(directory);
            await().atMost(PATIENCE).until(() -> directoryView.get("c-3").isPresent());
            producer.send(new ProducerRecord<>(orders.name(), "o-1", "{\"customerId\":\"c-1\",\"quantity\":2}"));
            producer.send(new ProducerRecord<>(orders.name(), "o-2", "{\"customerId\":\"c-3\",\"quantity\":1}"));
            producer.flush();
            // a lookup enriches an order as it arrives: the orders are in before their customers change
            ReadOnlyView<String, String> cities = runtime.view(orderCities);
            await().atMost(PATIENCE).until(() -> cities.get("o-1").isPresent() && cities.get("o-2").isPresent());
            // c-2 moves to Rome, c-1 leaves
            producer.send(new ProducerRecord<>(customers.name(), "c-2", "{\"name\":\"Bo\",\"city\":\"Rome\"}"));
            producer.send(new ProducerRecord<>(customers.name(), "c-1", null));
            producer.flush();
            runtime.awaitReady(PATIENCE);

            ReadOnlyView<String, Long> counts = runtime.view(perCity);
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(contents(counts)).isEqualTo(Map.of("Rome", 2L));
                assertThat(contents(cities)).isEqualTo(Map.of("o-1", "Oslo", "o-2", "Rome"));
                assertThat(directoryView.get("c-1")).isEmpty();
                assertThat(directoryView.get("c-2")).contains(new Customer("Bo", "Rome"));
                assertThat(contents(runtime.view(orderDirectory))).isEqualTo(Map.of("o-1", new Order("c-1", 2),
                        "o-2", new Order("c-3", 1)));
            });
            assertThat(runtime.status().isReady()).isTrue();
        }
    }

    private static <K, V> Map<K, V> contents(ReadOnlyView<K, V> view) {
        try (Stream<Map.Entry<K, V>> rows = view.all()) {
            return rows.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }
}
