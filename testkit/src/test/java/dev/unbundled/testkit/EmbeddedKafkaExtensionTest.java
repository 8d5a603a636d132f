package dev.unbundled.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaExtensionTest {

    // Every broker the nested classes received; each must be closed once its class has finished.
    private static final Set<EmbeddedKafka> BROKERS_SEEN = new CopyOnWriteArraySet<>();

    @AfterAll
    static void brokersAreClosedAfterTheirTestClass() {
        assertThat(BROKERS_SEEN).hasSize(4).allSatisfy(kafka -> {
            assertThat(kafka.toString()).endsWith(", closed]");
            assertThat(kafka.dataDirectory()).doesNotExist();
        });
    }

    @Test
    void kafka_beforeAnyTestClassStarted_fails() {
        EmbeddedKafkaExtension extension = new EmbeddedKafkaExtension();

        assertThatThrownBy(extension::kafka)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No embedded Kafka broker is running");
    }

    @Nested
    @ExtendWith(EmbeddedKafkaExtension.class)
    class ExtendWithForm {

        private static EmbeddedKafka beforeAllBroker;
        private final EmbeddedKafka constructorBroker;

        ExtendWithForm(EmbeddedKafka kafka) {
            this.constructorBroker = kafka;
        }

        @BeforeAll
        static void recordBroker(EmbeddedKafka kafka) {
            beforeAllBroker = kafka;
            BROKERS_SEEN.add(kafka);
        }

        @BeforeEach
        void createTopic(EmbeddedKafka kafka) {
            kafka.createTopic("extension-topic", 2);
        }

        @Test
        void extension_testMethodParameter_isTheClassBrokerAndRunning(EmbeddedKafka kafka) throws Exception {
            assertThat(kafka).isSameAs(beforeAllBroker).isSameAs(constructorBroker);
            assertThat(partitionCount(kafka, "extension-topic")).isEqualTo(2);
        }

        @Test
        void extension_secondTestOfClass_getsSameBroker(EmbeddedKafka kafka) {
            assertThat(kafka).isSameAs(beforeAllBroker);
            assertThat(kafka.toString()).doesNotContain("closed");
        }

        @Nested
        class InnerClass {
            @Test
            void extension_nestedClass_sharesEnclosingBroker(EmbeddedKafka kafka) {
                assertThat(kafka).isSameAs(beforeAllBroker);
            }
        }
    }

    @Nested
    class RegisterExtensionForm {

        @RegisterExtension
        static final EmbeddedKafkaExtension extension = new EmbeddedKafkaExtension(Map.of("num.partitions", 3));

        @Test
        void registeredExtension_kafkaAccessor_returnsInjectedBroker(EmbeddedKafka kafka) throws Exception {
            BROKERS_SEEN.add(kafka);
            assertThat(extension.kafka()).isSameAs(kafka);

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    extension.kafka().producerConfig(), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("auto-created", "k", "v")).get();
            }
            // Auto-created with the overridden num.partitions, so the overrides reached the broker.
            assertThat(partitionCount(kafka, "auto-created")).isEqualTo(3);
        }
    }

    @Nested
    @ExtendWith(EmbeddedKafkaExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class BrokerLeftStopped {

        @Test
        @Order(1)
        void extension_testStopsTheBroker_leavesItStopped(EmbeddedKafka kafka) {
            BROKERS_SEEN.add(kafka);
            kafka.createTopic("survives-the-stop", 1);

            kafka.stop();

            assertThat(kafka.isRunning()).isFalse();
        }

        @Test
        @Order(2)
        void extension_nextTestAfterABrokerWasLeftStopped_getsItRestartedWithItsData(EmbeddedKafka kafka)
                throws Exception {
            assertThat(kafka.isRunning()).isTrue();
            assertThat(partitionCount(kafka, "survives-the-stop")).isEqualTo(1);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @ExtendWith(EmbeddedKafkaExtension.class)
    class PerClassLifecycle {

        private final EmbeddedKafka constructorBroker;

        // With PER_CLASS, JUnit creates the instance before beforeAll runs.
        PerClassLifecycle(EmbeddedKafka kafka) {
            this.constructorBroker = kafka;
            BROKERS_SEEN.add(kafka);
        }

        @Test
        void extension_constructorParameterBeforeBeforeAll_isTheClassBroker(EmbeddedKafka kafka) throws Exception {
            assertThat(kafka).isSameAs(constructorBroker);
            kafka.createTopic("per-class", 1);
            assertThat(partitionCount(kafka, "per-class")).isEqualTo(1);
        }
    }

    private static int partitionCount(EmbeddedKafka kafka, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        }
    }
}
