package dev.unbundled.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewStatus;
import dev.unbundled.testkit.EmbeddedKafka;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a real Spring Boot application (Tomcat on a random port, the actuator, Micrometer) on an embedded
 * broker. One context for the class: the readiness test runs first, while the {@code names} view is held at the
 * first record of its prefilled topic; the shutdown test starts and closes an application of its own.
 */
// The broker's extension first, so that it stops last: after the context (dirtied, so closed after the class) has
// closed its runtime, which leaves the consumer group while the broker is still there.
@ExtendWith(EmbeddedKafkaExtension.class)
@DirtiesContext
@SpringBootTest(classes = UnbundledAutoConfigurationTest.Application.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.application.name=starter-test",
                "management.endpoints.web.exposure.include=health,unbundled",
                // the application's own readiness group: the starter adds the views to it
                "management.endpoint.health.group.readiness.include=readinessState",
                "management.endpoint.health.group.readiness.show-details=always"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnbundledAutoConfigurationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int PREFILLED = 500;
    private static final Topic<String, String> NAMES = Topic.of("names", Serdes.String(), Serdes.String());
    private static final Topic<String, Integer> AGES = Topic.of("ages", Serdes.String(), Serdes.Integer());
    /** Holds the {@code names} view at its first record until a test lets it read on. */
    private static final CountDownLatch GATE = new CountDownLatch(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static Path stateDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ReadOnlyView<String, Integer> agesByType;
    @Autowired
    @Qualifier("names")
    ReadOnlyView<String, String> namesByName;
    @Autowired
    MeterRegistry registry;
    @Autowired
    ConfigurableApplicationContext context;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
        @Bean
        ViewDefinition<String, String> names() {
            return View.from(NAMES).mapValues(name -> {
                awaitGate();
                return name;
            }, Serdes.String()).materialize("names");
        }

        @Bean
        ViewDefinition<String, Integer> ages() {
            return View.from(AGES).materialize("ages");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        // the fallback the starter reads when unbundled.bootstrap-servers is not set
        properties.add("spring.kafka.bootstrap-servers", () -> kafka.bootstrapServers());
        properties.add("unbundled.state-dir", () -> stateDir.toString());
    }

    @BeforeAll
    static void prefill(EmbeddedKafka broker) throws Exception {
        kafka = broker;
        stateDir = Files.createTempDirectory("starter-test-state-");
        kafka.createTopics(3, NAMES.name(), AGES.name());
        try (KafkaProducer<String, String> names = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(),
                new StringSerializer());
             KafkaProducer<String, Integer> ages = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(),
                     new IntegerSerializer())) {
            for (int i = 0; i < PREFILLED; i++) {
                names.send(new ProducerRecord<>(NAMES.name(), "k-" + i, "name-" + i));
            }
            ages.send(new ProducerRecord<>(AGES.name(), "ada", 36)).get();
            names.flush();
        }
    }

    @AfterAll
    static void deleteState() throws IOException {
        GATE.countDown();
        Utils.delete(stateDir.toFile());
    }

    @Test
    @Order(1)
    void readiness_prefilledTopicStillBeingRead_downUntilCaughtUpWhileLivenessStaysUp() throws Exception {
        HttpResponse<String> held = get("/actuator/health/readiness");
        assertThat(held.statusCode()).isEqualTo(503);
        JsonNode views = JSON.readTree(held.body()).path("components").path("unbundled");
        assertThat(views.path("status").asText()).isEqualTo("DOWN");
        assertThat(views.path("details").path("names").path("caughtUp").asBoolean()).isFalse();
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).doesNotContain("unbundled");

        GATE.countDown();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            return get("/actuator/health/readiness").statusCode() == 200;
        });
        // up means caught up: the whole prefilled topic is in the view
        assertThat(namesByName.approximateCount()).isEqualTo(PREFILLED);
        assertThat(namesByName.get("k-" + (PREFILLED - 1))).contains("name-" + (PREFILLED - 1));
        JsonNode ready = JSON.readTree(get("/actuator/health/readiness").body()).path("components").path("unbundled");
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        assertThat(ready.path("details").path("names").path("caughtUp").asBoolean()).isTrue();
        assertThat(ready.path("details").path("names").path("state").asText()).isEqualTo("READY");
    }

    @Test
    @Order(2)
    void readOnlyViews_injectedByGenericTypeAndByName_areTheDefinitionsViews() {
        GATE.countDown();

        assertThat(agesByType.name()).isEqualTo("ages");
        assertThat(namesByName.name()).isEqualTo("names");
        assertThat(context.getBean("agesView")).isSameAs(agesByType);
        assertThat(agesByType.awaitReady(PATIENCE).get("ada")).contains(36);
    }

    @Test
    @Order(3)
    void meters_poisonRecordAndCatchUp_countTheDeadLetterAndShowNoLag() throws Exception {
        GATE.countDown();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // three bytes are no Integer: the record goes to the dead-letter topic
            producer.send(new ProducerRecord<>(AGES.name(), "bob".getBytes(StandardCharsets.UTF_8),
                    new byte[] {1, 2, 3})).get();
            producer.send(new ProducerRecord<>(AGES.name(), "cyd".getBytes(StandardCharsets.UTF_8),
                    new byte[] {0, 0, 0, 40})).get();
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(registry.get("unbundled.view.dead.letters").tag("view", "ages").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("unbundled.view.dead.letters").tag("view", "names").functionCounter().count())
                    .isZero();
            assertThat(registry.get("unbundled.view.lag").tag("view", "ages").gauge().value()).isZero();
            assertThat(registry.get("unbundled.view.lag").tag("view", "names").gauge().value()).isZero();
            assertThat(registry.get("unbundled.view.ready").tag("view", "names").gauge().value()).isEqualTo(1.0);
        });
        assertThat(registry.get("unbundled.view.restore.remaining").tag("view", "names").gauge().value()).isZero();
        // "ada" was in the topic when the view was new: loaded as a restore of its table, not applied as an update.
        // One update applied after ("cyd"); the poison record is no update
        assertThat(registry.get("unbundled.view.restored").tag("view", "ages").functionCounter().count())
                .isEqualTo(1.0);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(registry.get("unbundled.view.updates.applied")
                .tag("view", "ages").functionCounter().count()).isEqualTo(1.0));
        assertThat(registry.get("unbundled.view.subscriptions.dropped").tag("view", "ages").functionCounter().count())
                .isZero();
        // every read is timed by kind and counted by where it was answered
        double localBefore = registry.find("unbundled.view.reads").tags("view", "ages", "outcome", "LOCAL").counters()
                .stream().mapToDouble(c -> c.count()).sum();
        assertThat(agesByType.get("ada")).contains(36);
        assertThat(agesByType.getAll(java.util.List.of("ada", "bob"))).containsOnlyKeys("ada");
        assertThat(registry.get("unbundled.view.read").tags("view", "ages", "kind", "GET").timer().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("unbundled.view.read").tags("view", "ages", "kind", "GET_ALL").timer().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("unbundled.view.reads").tags("view", "ages", "outcome", "LOCAL").counter().count())
                .isEqualTo(localBefore + 2);
        // Kafka Streams' own metrics: the stream thread has processed the prefilled records and the poison one
        Collection<io.micrometer.core.instrument.FunctionCounter> processed =
                registry.get("kafka.stream.thread.process.total").functionCounters();
        assertThat(processed.stream().mapToDouble(c -> c.count()).sum()).isGreaterThanOrEqualTo(PREFILLED);
    }

    @Test
    @Order(4)
    void endpoint_get_listsEachViewWithItsTopologyAndStatus() throws Exception {
        GATE.countDown();

        HttpResponse<String> all = get("/actuator/unbundled");
        HttpResponse<String> one = get("/actuator/unbundled/ages");
        HttpResponse<String> unknown = get("/actuator/unbundled/no-such-view");

        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).contains("\"name\":\"names\"", "\"name\":\"ages\"", "\"topology\":\"Topologies:",
                "\"deadLetterTopic\":\"starter-test.ages.dlq\"", "\"state\":", "\"version\":\"");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("\"name\":\"ages\"").doesNotContain("\"name\":\"names\"");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void close_applicationContext_closesTheRuntimeWhichLeavesItsGroup() throws Exception {
        GATE.countDown();
        ReadOnlyView<?, ?> ages;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // an application of its own: closing the shared one would leave the other tests without theirs
            try (ConfigurableApplicationContext application = new SpringApplicationBuilder(Application.class)
                    .properties("spring.application.name=starter-shutdown", "server.port=0",
                            "unbundled.bootstrap-servers=" + kafka.bootstrapServers(),
                            "unbundled.state-dir=" + stateDir.resolve("shutdown"))
                    .run()) {
                ages = application.getBean("agesView", ReadOnlyView.class);
                ages.awaitReady(PATIENCE);
                assertThat(members(admin, "starter-shutdown")).isNotEmpty();
            }

            assertThat(ages.status().state()).isEqualTo(ViewStatus.State.CLOSED);
            // left, not timed out: the group is empty at once, long before a session timeout
            assertThat(members(admin, "starter-shutdown")).isEmpty();
        }
    }

    /** @return the members of the groups of every view of an application: each view has a group of its own */
    private static List<?> members(Admin admin, String applicationId) throws Exception {
        List<String> groups = admin.listGroups().all().get(10, TimeUnit.SECONDS).stream()
                .map(GroupListing::groupId)
                .filter(id -> id.startsWith(applicationId + ".")).toList();
        assertThat(groups).as("the groups of application " + applicationId).isNotEmpty();
        List<Object> members = new ArrayList<>();
        for (ConsumerGroupDescription group : admin.describeConsumerGroups(groups).all().get(10, TimeUnit.SECONDS)
                .values()) {
            members.addAll(group.members());
        }
        return members;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitGate() {
        try {
            GATE.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
