package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewStore;
import dev.unbundled.testkit.ViewTestKit;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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

    @Test
    void publicApi_ofTheRocksDbPackage_exposesNoInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicTypes()) {
            for (Method method : type.getMethods()) {
                List<Type> signature = new ArrayList<>(List.of(method.getGenericParameterTypes()));
                signature.add(method.getGenericReturnType());
                signature.stream().map(Type::getTypeName).filter(name -> name.contains(".internal."))
                        .forEach(name -> leaks.add(type.getSimpleName() + "." + method.getName() + " uses " + name));
            }
        }

        assertThat(publicTypes()).contains(RocksDb.class, RocksDbStore.class);
        assertThat(leaks).as("public methods of dev.unbundled.rocksdb using internal types").isEmpty();
    }

    private static List<Class<?>> publicTypes() throws Exception {
        Path classes = Path.of(RocksDb.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes.resolve("dev/unbundled/rocksdb"))) {
            for (String file : files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".class")).toList()) {
                String name = file.substring(0, file.length() - ".class".length());
                if (name.equals("package-info")) {
                    continue;
                }
                Class<?> type = Class.forName("dev.unbundled.rocksdb." + name);
                if (Modifier.isPublic(type.getModifiers())) {
                    types.add(type);
                }
            }
        }
        return types;
    }
}
