package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.RuntimeStatus;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewException;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A runtime's own status and readiness over all of its views, and topics it creates when asked to. */
class RuntimeStatusIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final int PREFILLED = 300;

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

    private final List<ViewRuntime> runtimes = new CopyOnWriteArrayList<>();
    private Topic<String, Order> orders;
    private Topic<String, Product> products;
    private ViewDefinition<String, OrderNote> notes;
    private ViewDefinition<String, Order> byId;
    private String applicationId;

    @TempDir
    Path stateDir;

    @BeforeEach
    void createTopicsAndViews() {
        int run = RUN.incrementAndGet();
        orders = Topic.of("status-orders-" + run, Serdes.String(), Json.serde(Order.class));
        products = Topic.of("status-products-" + run, Serdes.String(), Json.serde(Product.class));
        KAFKA.kafka().createTopics(3, orders.name(), products.name());
        notes = View.from(orders)
                .join(View.from(products), Order::productId, OrderNote::new)
                .materialize("order-notes", Json.serde(OrderNote.class));
        byId = View.from(orders).filter((id, order) -> order.quantity() > 0).materialize("orders-by-id");
        applicationId = "status-" + run;
    }

    @AfterEach
    void closeEverything() {
        runtimes.forEach(ViewRuntime::close);
    }

    @Test
    void awaitReady_prefilledTopics_returnsOnlyAfterEveryViewHoldsEveryRecord() {
        prefill();
        ViewRuntime runtime = start(ViewRuntime.builder(), notes, byId);

        assertThat(runtime.awaitReady(PATIENCE)).isSameAs(runtime);

        // no waiting here: the runtime said it is ready, so both views hold every record already
        assertThat(runtime.view(notes).approximateCount()).isEqualTo(PREFILLED);
        assertThat(runtime.view(notes).get("o-" + (PREFILLED - 1))).contains(new OrderNote("product " + (PREFILLED - 1), 1));
        assertThat(runtime.view(byId).approximateCount()).isEqualTo(PREFILLED);
        RuntimeStatus status = runtime.status();
        assertThat(status.isReady()).isTrue();
        assertThat(status.notReady()).isEmpty();
        assertThat(status.totalLag()).isZero();
    }

    @Test
    void status_twoViews_listsEachInRegistrationOrder() {
        ViewRuntime runtime = start(ViewRuntime.builder(), notes, byId);

        RuntimeStatus status = runtime.status();

        assertThat(status.views()).extracting(ViewStatus::view).containsExactly("order-notes", "orders-by-id");
        assertThat(status.view("orders-by-id")).hasValueSatisfying(view -> assertThat(view.view()).isEqualTo("orders-by-id"));
        assertThat(status.view("unknown")).isEmpty();
        await().atMost(PATIENCE).until(() -> runtime.status().isReady());
    }

    @Test
    void status_beforeTheGroupIsJoined_isNotReadyAndNamesTheViews() {
        ViewRuntime runtime = start(ViewRuntime.builder(), notes, byId);

        RuntimeStatus status = runtime.status();

        // joining a consumer group takes seconds: right after start no view answers yet
        assertThat(status.isReady()).isFalse();
        assertThat(status.notReady()).extracting(ViewStatus::view).contains("order-notes", "orders-by-id");
    }

    @Test
    void status_afterClose_everyViewIsClosed() {
        ViewRuntime runtime = start(ViewRuntime.builder(), notes, byId);
        runtime.awaitReady(PATIENCE);

        runtime.close();

        assertThat(runtime.status().views()).extracting(ViewStatus::state)
                .containsExactly(ViewStatus.State.CLOSED, ViewStatus.State.CLOSED);
        assertThatThrownBy(() -> runtime.awaitReady(PATIENCE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has been closed");
    }

    @Test
    void awaitReady_timeoutBeforeTheGroupIsJoined_saysHowLongInWordsAndWhatToDo() {
        ViewRuntime runtime = start(ViewRuntime.builder(), notes, byId);

        assertThatThrownBy(() -> runtime.awaitReady(Duration.ofMillis(1)))
                .isInstanceOf(ViewNotReadyException.class)
                .hasMessageContaining("View 'order-notes' is still")
                .hasMessageContaining("after 1 ms")
                .hasMessageContaining("wait longer")
                .hasMessageNotContaining("PT0")
                .hasMessageNotContaining("call awaitReady");
    }

    @Test
    void start_missingInputTopicWithCreateMissingTopics_createsItWithThosePartitionsAndRuns() throws Exception {
        Topic<String, Order> missing = Topic.of("created-" + applicationId, Serdes.String(), Json.serde(Order.class));
        ViewDefinition<String, Order> view = View.from(missing).materialize("created-orders");

        ViewRuntime runtime = start(ViewRuntime.builder().createMissingTopics(2), view);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.kafka().bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of(missing.name())).allTopicNames().get()
                    .get(missing.name()).partitions()).hasSize(2);
        }
        ReadOnlyView<String, Order> created = runtime.view(view).awaitReady(PATIENCE);
        try (KafkaProducer<String, Order> producer = producer(missing)) {
            producer.send(new ProducerRecord<>(missing.name(), "o-1", new Order("p-1", 4))).get();
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(created.get("o-1")).contains(new Order("p-1", 4)));
    }

    @Test
    void start_missingInputTopicByDefault_failsNamingTheTopicAndTheOption() {
        Topic<String, Order> missing = Topic.of("never-" + applicationId, Serdes.String(), Json.serde(Order.class));

        assertThatThrownBy(() -> start(ViewRuntime.builder(), View.from(missing).materialize("never-orders")))
                .isInstanceOf(ViewException.class)
                .hasMessageContaining("reads topic '" + missing.name() + "', which does not exist")
                .hasMessageContaining("createMissingTopics(partitions)");
    }

    private void prefill() {
        try (KafkaProducer<String, Product> productWriter = producer(products);
             KafkaProducer<String, Order> orderWriter = producer(orders)) {
            for (int i = 0; i < PREFILLED; i++) {
                productWriter.send(new ProducerRecord<>(products.name(), "p-" + i, new Product("product " + i)));
                orderWriter.send(new ProducerRecord<>(orders.name(), "o-" + i, new Order("p-" + i, 1)));
            }
        }
    }

    private static <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
        EmbeddedKafka kafka = KAFKA.kafka();
        return new KafkaProducer<>(kafka.producerConfig(), Serdes.String().serializer(), topic.valueSerde().serializer());
    }

    private ViewRuntime start(ViewRuntime.Builder builder, ViewDefinition<?, ?>... views) {
        builder.applicationId(applicationId).bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir);
        for (ViewDefinition<?, ?> view : views) {
            builder.view(view);
        }
        ViewRuntime runtime = builder.start();
        runtimes.add(runtime);
        return runtime;
    }
}
