package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.History;
import dev.unbundled.OldVersion;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A redeployed view whose definition changed is rebuilt from its input topics and serves only the new
 * definition's values; an unchanged one finds its state again; while a view is built, reads are refused.
 */
class ChangedViewIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Map<String, String> PRODUCTS = Map.of("p-1", "Kettle", "p-2", "Teapot", "p-3", "Mug");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;
    private Topic<String, String> products;
    private String applicationId;

    @BeforeEach
    void fillProducts() {
        int run = RUN.incrementAndGet();
        products = Topic.of("changed-products-" + run, Serdes.String(), Serdes.String());
        applicationId = "changed-" + run;
        KAFKA.kafka().createTopics(3, products.name());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                Serdes.String().serializer(), Serdes.String().serializer())) {
            PRODUCTS.forEach((id, name) -> producer.send(new ProducerRecord<>(products.name(), id, name)));
        }
    }

    @Test
    void start_changedMapper_servesOnlyTheNewDefinitionsValues() {
        ViewDefinition<String, String> first = CatalogFirstBuild.catalog(products);
        ViewDefinition<String, String> second = CatalogSecondBuild.catalog(products);
        assertThat(second.fingerprint()).isNotEqualTo(first.fingerprint());
        try (ViewRuntime runtime = start(first)) {
            assertThat(contents(runtime.view(first))).containsEntry("p-1", "kettle").hasSize(3);
        }

        try (ViewRuntime runtime = start(second)) {
            // no waiting for later records: the redeployed view holds the new mapping of every row
            assertThat(contents(runtime.view(second)))
                    .isEqualTo(Map.of("p-1", "KETTLE", "p-2", "TEAPOT", "p-3", "MUG"));
            // under exactly-once a task may apply a record again after an aborted transaction: at least once
            assertThat(runtime.updatesApplied().get("catalog")).isGreaterThanOrEqualTo(3L);
        }
    }

    @Test
    void start_oneOfTwoViewsChanged_rebuildsThatViewAlone() {
        try (ViewRuntime runtime = start(CatalogFirstBuild.catalog(products), named(products))) {
            assertThat(contents(runtime.view(named(products)))).hasSize(3);
        }

        try (ViewRuntime runtime = start(CatalogSecondBuild.catalog(products), named(products))) {
            assertThat(runtime.updatesApplied().get("catalog")).isGreaterThanOrEqualTo(3L);
            // the unchanged view found its state: it read nothing from its input again
            assertThat(runtime.updatesApplied()).containsEntry("named-products", 0L);
            assertThat(contents(runtime.view(named(products)))).isEqualTo(PRODUCTS);
        }
    }

    private static ViewDefinition<String, String> named(Topic<String, String> products) {
        return View.from(products).filter((id, name) -> !name.isEmpty()).materialize("named-products");
    }

    @Test
    void start_unchangedDefinition_findsItsStateWithoutReadingItsInputAgain() {
        try (ViewRuntime runtime = start(CatalogFirstBuild.catalog(products))) {
            assertThat(contents(runtime.view(CatalogFirstBuild.catalog(products)))).hasSize(3);
        }

        ViewDefinition<String, String> again = CatalogFirstBuild.catalog(products);
        try (ViewRuntime runtime = start(again)) {
            assertThat(contents(runtime.view(again))).containsEntry("p-2", "teapot").hasSize(3);
            // restored from the view's changelog, not computed again from the products topic
            assertThat(runtime.updatesApplied()).containsEntry("catalog", 0L);
            assertThat(runtime.view(again).status().restoredRecords()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void start_versionBumped_rebuildsFromTheInput() {
        try (ViewRuntime runtime = start(CatalogFirstBuild.catalog(products))) {
            assertThat(contents(runtime.view(CatalogFirstBuild.catalog(products)))).hasSize(3);
        }

        ViewDefinition<String, String> bumped = CatalogFirstBuild.catalog(products).version("2");
        try (ViewRuntime runtime = start(bumped)) {
            assertThat(contents(runtime.view(bumped))).hasSize(3);
            assertThat(runtime.updatesApplied().get("catalog")).isGreaterThanOrEqualTo(3L);
        }
    }

    @Test
    void read_whileTheViewIsBuilt_isRefusedNamingTheVersionAndProgress() throws InterruptedException {
        CountDownLatch open = new CountDownLatch(1);
        ViewDefinition<String, String> slow = View.from(products).mapValues(name -> {
            waitFor(open);
            return name;
        }, Serdes.String()).materialize("slow-catalog");
        try (ViewRuntime runtime = ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir).view(slow).start()) {
            ReadOnlyView<String, String> view = runtime.view(slow);
            try {
                await().atMost(PATIENCE).until(() -> view.status().state() == ViewStatus.State.REBUILDING);

                assertThat(view.status().restoring()).hasValueSatisfying(progress ->
                        assertThat(progress.total()).isEqualTo(3));
                assertThat(runtime.status().isReady()).isFalse();
                assertThatThrownBy(() -> view.get("p-1")).isInstanceOf(ViewNotReadyException.class)
                        .hasMessageContaining("REBUILDING version " + slow.fingerprint())
                        .hasMessageContaining("0 of 3 records of its input")
                        .hasMessageContaining("awaitReady");
            } finally {
                open.countDown();
            }
            runtime.awaitReady(PATIENCE);
            assertThat(view.status().state()).isEqualTo(ViewStatus.State.READY);
            assertThat(contents(view)).isEqualTo(PRODUCTS);
        }
    }

    @Test
    void removeOldVersions_afterARedeploy_removesExactlyTheOldVersionsGroupsTopicsAndState() throws Exception {
        // a view that keeps history keeps it on disk, so that its version has local state to remove
        ViewDefinition<String, String> first = View.from(products).materialize("catalog", History.retain(Duration.ofDays(1)))
                .version("1");
        ViewDefinition<String, String> second = first.version("2");
        String firstId = applicationId + ".catalog." + first.fingerprint();
        String secondId = applicationId + ".catalog." + second.fingerprint();
        try (ViewRuntime runtime = start(first)) {
            assertThat(runtime.oldVersions()).isEmpty();
        }

        try (ViewRuntime runtime = start(second); Admin admin = admin()) {
            List<OldVersion> old = runtime.oldVersions();

            assertThat(old).singleElement().satisfies(version -> {
                assertThat(version.view()).isEqualTo("catalog");
                assertThat(version.version()).isEqualTo(first.fingerprint());
                assertThat(version.groups()).containsExactlyInAnyOrder(firstId, firstId + ".target");
                assertThat(version.topics()).isNotEmpty().allMatch(topic -> topic.startsWith(firstId + "-"))
                        .anyMatch(topic -> topic.endsWith("-changelog"));
                assertThat(version.localState()).contains(stateDir.resolve(firstId));
                assertThat(version.inUse()).isFalse();
            });
            assertThat(runtime.removeOldVersions()).isEqualTo(old);

            assertThat(topics(admin)).noneMatch(topic -> topic.startsWith(firstId))
                    .anyMatch(topic -> topic.startsWith(secondId + "-"));
            assertThat(groups(admin)).doesNotContain(firstId, firstId + ".target").contains(secondId);
            assertThat(stateDir.resolve(firstId)).doesNotExist();
            assertThat(stateDir.resolve(secondId)).isDirectory();
            assertThat(runtime.oldVersions()).isEmpty();
            assertThat(contents(runtime.view(second))).hasSize(3);
        }
    }

    @Test
    void removeOldVersions_versionAnotherInstanceStillRuns_isListedInUseAndKept() throws Exception {
        ViewDefinition<String, String> first = CatalogFirstBuild.catalog(products).version("1");
        ViewDefinition<String, String> second = CatalogFirstBuild.catalog(products).version("2");
        String firstId = applicationId + ".catalog." + first.fingerprint();
        try (ViewRuntime old = start(first);
             ViewRuntime updated = ViewRuntime.builder().applicationId(applicationId)
                     .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir.resolve("second"))
                     .view(second).start();
             Admin admin = admin()) {
            updated.awaitReady(PATIENCE);

            assertThat(updated.oldVersions()).singleElement().satisfies(version -> assertThat(version.inUse()).isTrue());
            assertThat(updated.removeOldVersions()).isEmpty();
            assertThat(groups(admin)).contains(firstId);
            assertThat(topics(admin)).anyMatch(topic -> topic.startsWith(firstId + "-"));
            assertThat(contents(old.view(first))).hasSize(3);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.kafka().bootstrapServers()));
    }

    private static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }

    private static Set<String> groups(Admin admin) throws Exception {
        return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId)
                .collect(Collectors.toSet());
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never opened the latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ViewRuntime start(ViewDefinition<?, ?>... views) {
        ViewRuntime.Builder builder = ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir);
        for (ViewDefinition<?, ?> view : views) {
            builder.view(view);
        }
        ViewRuntime runtime = builder.start();
        runtime.awaitReady(PATIENCE);
        return runtime;
    }

    private static <K, V> Map<K, V> contents(ReadOnlyView<K, V> view) {
        try (Stream<Map.Entry<K, V>> rows = view.all()) {
            return rows.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }
}
