package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Change;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Subscribed changes carry their old values on a real broker, through a foreign-key join's repartitions. */
class ChangeOldValueIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    record Order(String productId, int quantity) {
    }

    record Product(String name) {
    }

    record OrderNote(String product, int quantity) {
        OrderNote(Order order, Product product) {
            this(product.name(), order.quantity());
        }
    }

    @TempDir
    Path stateDir;

    @Test
    void subscribe_joinViewOnABroker_updatesAndDeletesCarryTheNoteBefore() throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        Topic<String, Order> orders = Topic.of("old-value-orders", Serdes.String(), Json.serde(Order.class));
        Topic<String, Product> products = Topic.of("old-value-products", Serdes.String(), Json.serde(Product.class));
        kafka.createTopics(3, orders.name(), products.name());
        ViewDefinition<String, OrderNote> notes = View.from(orders)
                .join(View.from(products), Order::productId, OrderNote::new)
                .materialize("order-notes", Json.serde(OrderNote.class));
        List<Change<String, OrderNote>> changes = new CopyOnWriteArrayList<>();
        try (ViewRuntime runtime = ViewRuntime.builder().applicationId("old-values")
                .bootstrapServers(kafka.bootstrapServers()).stateDir(stateDir).view(notes).start();
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            ReadOnlyView<String, OrderNote> view = runtime.view(notes).awaitReady(PATIENCE);
            try (Subscription subscription = view.subscribe(changes::add)) {
                producer.send(new ProducerRecord<>(products.name(), "p-1", "{\"name\":\"Lamp\"}")).get();
                producer.send(new ProducerRecord<>(orders.name(), "o-1", "{\"productId\":\"p-1\",\"quantity\":2}")).get();
                await().atMost(PATIENCE).until(() -> changes.size() == 1);
                producer.send(new ProducerRecord<>(products.name(), "p-1", "{\"name\":\"Desk lamp\"}")).get();
                await().atMost(PATIENCE).until(() -> changes.size() == 2);
                producer.send(new ProducerRecord<String, String>(orders.name(), "o-1", null)).get();

                await().atMost(PATIENCE).until(() -> changes.size() == 3);
            }
        }
        assertThat(changes).extracting(Change::key).containsOnly("o-1");
        assertThat(changes).extracting(Change::oldValue).containsExactly(Optional.empty(),
                Optional.of(new OrderNote("Lamp", 2)), Optional.of(new OrderNote("Desk lamp", 2)));
        assertThat(changes).extracting(Change::newValue).containsExactly(Optional.of(new OrderNote("Lamp", 2)),
                Optional.of(new OrderNote("Desk lamp", 2)), Optional.empty());
    }
}
