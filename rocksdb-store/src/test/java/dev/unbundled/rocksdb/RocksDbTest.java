package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewStore;
import dev.unbundled.testkit.ViewTestKit;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class RocksDbTest {
    private static final Topic<String, String> ITEMS = Topic.of("items", Serdes.String(), Serdes.String());

    @Test
    void store_isDurable_ephemeralIsNot() {
        assertThat(RocksDb.store().isDurable()).isTrue();
        assertThat(RocksDb.store().wipesLocalStateOnStart()).isFalse();
        assertThat(RocksDb.ephemeral().wipesLocalStateOnStart()).isTrue();
        assertThat(RocksDb.isRocksDb(RocksDb.store())).isTrue();
        assertThat(RocksDb.isRocksDb(ViewStore.inMemory())).isFalse();
    }

    @Test
    void store_defaultBudget_is128MiB_andGivenBudgetIsKept() {
        assertThat(RocksDb.store().memoryBudget()).isEqualTo(128L << 20);
        assertThat(RocksDb.store().withMemoryBudget(1L << 30).memoryBudget()).isEqualTo(1L << 30);
        assertThat(RocksDb.store().withMemoryBudget(64L << 20)).isEqualTo(RocksDb.store().withMemoryBudget(64L << 20));
    }

    @Test
    void withMemoryBudget_belowOneMiB_failsSayingTheMinimum() {
        assertThatThrownBy(() -> RocksDb.store().withMemoryBudget(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 MiB");
    }

    @Test
    void views_withDifferentBudgetsInOneRuntime_failFastNamingTheSetting() {
        var small = View.from(ITEMS).materialize("small").withStore(RocksDb.store().withMemoryBudget(16L << 20));
        var large = View.from(ITEMS).filter((k, v) -> true).materialize("large")
                .withStore(RocksDb.store().withMemoryBudget(64L << 20));

        assertThatThrownBy(() -> ViewTestKit.of(small, large)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(RocksDb.MEMORY_BUDGET_CONFIG);
    }

    @Test
    void withStore_null_throwsNullPointerException() {
        assertThatThrownBy(() -> View.from(ITEMS).materialize("items").withStore(null))
                .isInstanceOf(NullPointerException.class);
    }
}
