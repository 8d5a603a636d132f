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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Durable views resume from their local state after a restart; ephemeral ones rebuild from the log. */
class RocksDbRestartTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int ITEMS = 3_000;
    private static final AtomicInteger RUN = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;

    @Test
    void restart_durableView_resumesWithoutRereadingItsInput() {
        Restarted restarted = startFillRestart(RocksDb.store());

        // a new view that is its topic's table loads the topic as a restore of the table; a restart then finds it
        assertThat(restarted.firstRestored).as("records loaded by the first start").isEqualTo(ITEMS);
        assertThat(restarted.secondRestored).as("records restored after a clean restart").isZero();
        assertThat(restarted.after).as("content after the restart").isEqualTo(restarted.expectedAfter());
    }

    @Test
    void restart_ephemeralView_rebuildsTheSameContentFromTheLog() {
        Restarted restarted = startFillRestart(RocksDb.ephemeral());

        assertThat(restarted.secondRestored).as("records restored after the restart").isEqualTo(ITEMS);
        assertThat(restarted.after).as("content rebuilt after the restart: the first run's, and the record added")
                .isEqualTo(restarted.expectedAfter());
    }

    @Test
    void restart_inMemoryView_rebuildsFromTheLogToo() {
        Restarted restarted = startFillRestart(ViewStore.inMemory());

        assertThat(restarted.secondRestored).isEqualTo(ITEMS);
        assertThat(restarted.after).isEqualTo(restarted.expectedAfter());
    }

    /** What the view held before the restart and after it, in key order, and how much each start restored. */
    private record Restarted(long firstRestored, Map<String, String> before, long secondRestored,
                             Map<String, String> after) {
        /** @return the first run's content and the one record added while the view was down */
        Map<String, String> expectedAfter() {
            Map<String, String> expected = new TreeMap<>(before);
            expected.put(Catalogue.key(ITEMS), Catalogue.value(ITEMS));
            return expected;
        }
    }

    /** Fills a topic, runs the view over it, closes it, adds one record, and runs it again. */
    private Restarted startFillRestart(ViewStore store) {
        int run = RUN.incrementAndGet();
        Topic<String, String> items = Topic.of("items-" + run, Serdes.String(), Serdes.String());
        KAFKA.kafka().createTopic(items.name(), 3);
        ViewDefinition<String, String> catalogue = View.from(items).materialize("catalogue").withStore(store);
        Catalogue.fill(KAFKA.kafka(), items.name(), 0, ITEMS);

        long firstRestored;
        Map<String, String> before;
        try (ViewRuntime first = start("restart-" + run, catalogue)) {
            ReadOnlyView<String, String> view = first.view(catalogue).awaitReady(PATIENCE);
            await().atMost(PATIENCE).until(() -> view.get(Catalogue.key(ITEMS - 1)).isPresent()
                    && view.approximateCount() == ITEMS);
            firstRestored = view.status().restoredRecords();
            before = snapshot(view);
        }
        assertThat(before).as("the first run's content").hasSize(ITEMS)
                .containsEntry(Catalogue.key(0), Catalogue.value(0))
                .containsEntry(Catalogue.key(ITEMS - 1), Catalogue.value(ITEMS - 1));
        Catalogue.fill(KAFKA.kafka(), items.name(), ITEMS, ITEMS + 1);

        try (ViewRuntime second = start("restart-" + run, catalogue)) {
            ReadOnlyView<String, String> view = second.view(catalogue).awaitReady(PATIENCE);
            await().atMost(PATIENCE).until(() -> view.get(Catalogue.key(ITEMS)).isPresent());
            return new Restarted(firstRestored, before, view.status().restoredRecords(), snapshot(view));
        }
    }

    private static Map<String, String> snapshot(ReadOnlyView<String, String> view) {
        try (var all = view.all()) {
            return all.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> {
                throw new AssertionError("view 'catalogue' answered key twice in one scan");
            }, TreeMap::new));
        }
    }

    private ViewRuntime start(String applicationId, ViewDefinition<?, ?> view) {
        return ViewRuntime.builder().applicationId(applicationId).bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir).view(view).start();
    }
}
