package dev.unbundled.internal.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

/**
 * The store that keeps old values changes nothing Kafka Streams builds around a view's store: no format
 * adapter is added, so the bytes on disk and in memory are what they were without it.
 */
class OldValueStoreTest {
    private static final byte[] STORED = {0, 0, 0, 0, 0, 0, 0, 7, 42};

    @Test
    void rocksDbViewStore_builtByKafka_isTheTimestampedStoreWithoutAnAdapter() {
        List<String> layers = layers(BuiltInDslStoreSuppliers.ROCKS_DB);

        assertThat(layers).containsExactly("MeteredTimestampedKeyValueStore", "Timestamped", "RocksDBTimestampedStore");
        OldValueStore store = OldValueStore.of(Stores.persistentTimestampedKeyValueStore("s").get(),
                new OldValues.Wanted(), new OldValues());
        assertThat(store).isInstanceOf(TimestampedBytesStore.class);
        assertThat(WrappedStateStore.isTimestamped(store)).isTrue();
        assertThat(store.valueBytes(STORED)).containsExactly(42);
    }

    @Test
    void inMemoryViewStore_builtByKafka_isMarkedTimestampedAndHoldsTimestampedBytes() {
        List<String> layers = layers(BuiltInDslStoreSuppliers.IN_MEMORY);

        assertThat(layers).containsExactly("MeteredTimestampedKeyValueStore", "InMemoryTimestampedKeyValueStoreMarker",
                "OldValueStore", "InMemoryKeyValueStore");
        OldValueStore store = OldValueStore.of(Stores.inMemoryKeyValueStore("s").get(),
                new OldValues.Wanted(), new OldValues());
        assertThat(store.valueBytes(STORED)).containsExactly(42);
    }

    @Test
    void viewsThatKeepRowsDecoded_keepTheFormat_aRowStoreInMemory_aTimestampedCacheBeforeRocksDb() {
        RowDecoder decoder = RowDecoder.of(DefinitionImpl.erase(dev.unbundled.View.from(dev.unbundled.Topic.of("t",
                Serdes.String(), Serdes.String())).materialize("view")));

        assertThat(layers(BuiltInDslStoreSuppliers.IN_MEMORY, decoder, 0)).containsExactly(
                "MeteredTimestampedKeyValueStore", "InMemoryTimestampedKeyValueStoreMarker", "OldValueStore", "RowStore");
        assertThat(layers(BuiltInDslStoreSuppliers.ROCKS_DB, decoder, 1 << 20)).containsExactly(
                "MeteredTimestampedKeyValueStore", "Timestamped", "Timestamped", "RocksDBTimestampedStore");
        assertThat(layers(BuiltInDslStoreSuppliers.ROCKS_DB, decoder, 0)).containsExactly(
                "MeteredTimestampedKeyValueStore", "Timestamped", "RocksDBTimestampedStore");
    }

    @Test
    void plainPersistentStore_underKafkasAdapter_holdsValuesWithoutTimestamps() {
        OldValueStore store = OldValueStore.of(Stores.persistentKeyValueStore("s").get(),
                new OldValues.Wanted(), new OldValues());

        assertThat(store).isNotInstanceOf(TimestampedBytesStore.class);
        assertThat(store.valueBytes(STORED)).containsExactly(STORED);
    }

    @Test
    void otherStores_areNotWrapped() {
        OldValues oldValues = new OldValues();
        oldValues.viewStore("view", null);

        assertThat(oldValues.wrap("view.join-1-result", BuiltInDslStoreSuppliers.ROCKS_DB, 0))
                .isSameAs(BuiltInDslStoreSuppliers.ROCKS_DB);
        assertThat(oldValues.wrap("view", BuiltInDslStoreSuppliers.ROCKS_DB, 0))
                .isNotSameAs(BuiltInDslStoreSuppliers.ROCKS_DB);
    }

    /** @return the class names of the layers Kafka Streams builds for a view's store, outermost first */
    private static List<String> layers(DslStoreSuppliers suppliers) {
        return layers(suppliers, null, 0);
    }

    private static List<String> layers(DslStoreSuppliers suppliers, RowDecoder decoder, long readCacheBytes) {
        OldValues oldValues = new OldValues();
        oldValues.viewStore("view", decoder);
        KeyValueBytesStoreSupplier supplier = oldValues.wrap("view", suppliers, readCacheBytes)
                .keyValueStore(new DslKeyValueParams("view", DslStoreFormat.TIMESTAMPED));
        StateStore store = Stores.timestampedKeyValueStoreBuilder(supplier, Serdes.String(), Serdes.String())
                .withLoggingDisabled().withCachingDisabled().build();
        List<String> layers = new ArrayList<>();
        while (true) {
            layers.add(store.getClass().getSimpleName());
            if (!(store instanceof WrappedStateStore<?, ?, ?> wrapped)) {
                return layers;
            }
            store = wrapped.wrapped();
        }
    }
}
