package dev.unbundled.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.examples.ordernotes.Warehouse;
import dev.unbundled.examples.ordernotes.Warehouse.Order;
import dev.unbundled.examples.ordernotes.Warehouse.OrderNote;
import dev.unbundled.examples.ordernotes.Warehouse.Product;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring Boot order-notes service on an embedded broker whose topics were filled before it started: its
 * readiness probe turns UP only once every prefilled order has its note, and the notes are served over REST.
 */
// The broker's extension first, so that it stops last: after the context (dirtied, so closed after the class) has
// closed its runtime, which leaves the consumer group while the broker is still there.
@ExtendWith(EmbeddedKafkaExtension.class)
@DirtiesContext
@SpringBootTest(classes = OrderNotesService.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderNotesServiceTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int PRODUCTS = 10;
    private static final int ORDERS = 3_000;

    private static EmbeddedKafka kafka;
    private static Path stateDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ReadOnlyView<String, OrderNote> notes;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        properties.add("spring.kafka.bootstrap-servers", () -> kafka.bootstrapServers());
        properties.add("unbundled.state-dir", () -> stateDir.toString());
    }

    @BeforeAll
    static void prefill(EmbeddedKafka broker) throws Exception {
        kafka = broker;
        stateDir = Files.createTempDirectory("order-notes-service-state-");
        kafka.createTopics(3, Warehouse.ORDERS.name(), Warehouse.PRODUCTS.name());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerConfig(),
                new StringSerializer(), (topic, value) -> value)) {
            for (int p = 0; p < PRODUCTS; p++) {
                producer.send(new ProducerRecord<>(Warehouse.PRODUCTS.name(), "p-" + p, Warehouse.PRODUCTS.valueSerde()
                        .serializer().serialize(Warehouse.PRODUCTS.name(), new Product("Product " + p, "S" + p))));
            }
            for (int o = 0; o < ORDERS; o++) {
                producer.send(new ProducerRecord<>(Warehouse.ORDERS.name(), "o-" + o, Warehouse.ORDERS.valueSerde()
                        .serializer().serialize(Warehouse.ORDERS.name(), new Order("p-" + o % PRODUCTS, 1 + o % 5))));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void deleteState() throws IOException {
        Utils.delete(stateDir.toFile());
    }

    @Test
    void readiness_prefilledTopics_upOnlyOnceEveryNoteIsJoinedThenServedOverRest() throws Exception {
        List<Integer> seen = new ArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            int readiness = get("/actuator/health/readiness").statusCode();
            if (seen.isEmpty() || seen.get(seen.size() - 1) != readiness) {
                seen.add(readiness);
            }
            assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            return readiness == 200;
        });
        // read at once, as a load balancer would send traffic: every prefilled order has its note already
        long joined = notes.approximateCount();

        assertThat(joined).as("notes when readiness first said UP (readiness seen: %s)", seen).isEqualTo(ORDERS);
        HttpResponse<String> note = get("/notes/o-42");
        assertThat(note.statusCode()).isEqualTo(200);
        assertThat(note.body()).isEqualTo("{\"product\":\"Product 2\",\"shelf\":\"S2\",\"quantity\":3}");
        assertThat(get("/notes/o-" + ORDERS).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
