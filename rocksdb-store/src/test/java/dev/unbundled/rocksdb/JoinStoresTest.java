package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStore;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view's RocksDB choice covers every store it runs on, on a real runtime whose default is in memory: the
 * source tables it shares with other views, and the subscription store Kafka Streams creates on its own
 * inside a foreign-key join. RocksDB reports its own properties for each store it opens, tagged
 * {@code rocksdb-state-id}; an in-memory store reports none.
 */
class JoinStoresTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Topic<String, String> ORDERS = Topic.of("join-orders", Serdes.String(), Serdes.String());
    private static final Topic<String, String> PRODUCTS = Topic.of("join-products", Serdes.String(), Serdes.String());
    private static final Topic<String, String> SHIPMENTS = Topic.of("join-shipments", Serdes.String(), Serdes.String());

    /** order id to "product id/product name", on RocksDB. */
    private static final ViewDefinition<String, String> NOTES = View.from(ORDERS)
            .join(View.from(PRODUCTS), productId -> productId, (productId, name) -> productId + "/" + name)
            .materialize("notes", Serdes.String()).withStore(RocksDb.store());
    /** Reads the products topic too, in memory: it shares the products table with the notes. */
    private static final ViewDefinition<String, String> NAMES = View.from(PRODUCTS)
            .filter((id, name) -> !name.isEmpty()).materialize("names");
    /** Reads only a topic no RocksDB view reads: all of it stays in memory. */
    private static final ViewDefinition<String, String> SHIPPED = View.from(SHIPMENTS)
            .filter((id, state) -> true).materialize("shipped");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;

    @Test
    void rocksDbFkJoinView_inMemoryRuntime_keepsEveryStoreOfTheViewOnRocksDb() {
        KAFKA.kafka().createTopics(2, ORDERS.name(), PRODUCTS.name(), SHIPMENTS.name());
        send(PRODUCTS, "p-1", "lamp");
        send(ORDERS, "o-1", "p-1");
        send(SHIPMENTS, "o-1", "sent");

        try (ViewRuntime runtime = ViewRuntime.builder().applicationId("join-stores")
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir)
                .defaultStore(ViewStore.inMemory()).view(NOTES).view(NAMES).view(SHIPPED).start()) {
            ReadOnlyView<String, String> notes = runtime.view(NOTES).awaitReady(PATIENCE);
            ReadOnlyView<String, String> shipped = runtime.view(SHIPPED).awaitReady(PATIENCE);
            await().atMost(PATIENCE).until(() -> notes.get("o-1").isPresent() && shipped.get("o-1").isPresent());

            Set<String> viewStores = stores(NOTES.topology().describe());
            Set<String> onRocksDb = rocksDbStores(runtime.metrics());
            System.out.println("Stores of view 'notes': " + viewStores + "; on RocksDB: " + onRocksDb);

            assertThat(viewStores).as("the stores of view 'notes'")
                    .contains("notes", "join-orders.table", "join-products.table")
                    .anyMatch(store -> store.startsWith("notes.fk-join-") && store.endsWith("-subscription-store"));
            assertThat(onRocksDb).as("stores on RocksDB in a runtime whose default is in memory")
                    .containsAll(viewStores)
                    .doesNotContain("names", "shipped", "join-shipments.table");
        }
    }

    private static Set<String> stores(TopologyDescription description) {
        Set<String> stores = new TreeSet<>();
        description.subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));
        return stores;
    }

    private static Set<String> rocksDbStores(Map<MetricName, ? extends Metric> metrics) {
        Set<String> stores = new TreeSet<>();
        metrics.keySet().forEach(name -> {
            String store = name.tags().get("rocksdb-state-id");
            if (store != null) {
                stores.add(store);
            }
        });
        return stores;
    }

    private static void send(Topic<String, String> topic, String key, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value));
            producer.flush();
        }
    }
}
