package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RocksDB scans hold native iterators: closing the stream closes them, and a forgotten one is reclaimed. */
class ScanLeakTest {
    private static final Topic<String, String> ITEMS = Topic.of("items", Serdes.String(), Serdes.String());
    private static final ViewDefinition<String, String> CATALOGUE =
            View.from(ITEMS).materialize("catalogue").withStore(RocksDb.store());

    private ViewTestKit kit;
    private ReadOnlyView<String, String> view;

    @BeforeEach
    void fill() {
        kit = ViewTestKit.of(CATALOGUE);
        for (int i = 0; i < 100; i++) {
            kit.input(ITEMS).pipe(Catalogue.key(i), Catalogue.value(i));
        }
        view = kit.view(CATALOGUE);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void range_streamClosed_closesTheRocksDbIterator() {
        Stream<Map.Entry<String, String>> scan = view.range(Catalogue.key(10), Catalogue.key(20));
        assertThat(scan.limit(3).count()).isEqualTo(3);
        assertThat(openIterators()).isEqualTo(1);

        scan.close();

        assertThat(openIterators()).isZero();
    }

    @Test
    void all_streamForgottenUnclosed_iteratorIsClosedOnceTheStreamIsCollected() {
        forgetAScan();
        assertThat(openIterators()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return openIterators() == 0;
        });
    }

    private void forgetAScan() {
        Stream<Map.Entry<String, String>> scan = view.all();
        assertThat(scan.findFirst()).isPresent();
    }

    private long openIterators() {
        return kit.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("num-open-iterators")
                        && "catalogue".equals(e.getKey().tags().get("rocksdb-state-id")))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
                .sum();
    }
}
