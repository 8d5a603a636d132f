package dev.unbundled.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewStore;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.compile.StoreRouting;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * The store of a source table several views read: on disk if any of them chose disk, durable if any of them
 * chose a durable store; the stores named after a view follow that view alone.
 */
class SharedTableStoreTest {
    private static final Topic<String, String> ORDERS = Topic.of("orders", Serdes.String(), Serdes.String());
    private static final Topic<String, String> PRODUCTS = Topic.of("products", Serdes.String(), Serdes.String());

    private static View<String, String> notes() {
        return View.from(ORDERS).join(View.from(PRODUCTS), id -> id, (id, name) -> id + "/" + name);
    }

    private static ViewDefinition<String, String> names(ViewStore store) {
        return View.from(PRODUCTS).filter((id, name) -> true).materialize("names").withStore(store);
    }

    private static StoreRouting routing(ViewStore defaultStore, ViewDefinition<?, ?>... views) {
        return new StoreRouting(defaultStore, Arrays.stream(views).map(v -> (DefinitionImpl<?, ?>) v).toList());
    }

    @Test
    void storeFor_tableSharedWithARocksDbView_isRocksDbInAnInMemoryRuntime() {
        StoreRouting routing = routing(ViewStore.inMemory(),
                notes().materialize("notes", Serdes.String()).withStore(RocksDb.store()), names(ViewStore.inMemory()));

        assertThat(routing.storeFor("products.table")).isEqualTo(RocksDb.store());
        assertThat(routing.storeFor("orders.table")).isEqualTo(RocksDb.store());
        assertThat(routing.storeFor("notes.fk-join-1-subscription-store")).isEqualTo(RocksDb.store());
        assertThat(routing.storeFor("names")).as("the in-memory view's own store").isEqualTo(ViewStore.inMemory());
    }

    @Test
    void storeFor_tableReadOnlyByInMemoryViews_staysInMemoryWhateverTheDefault() {
        StoreRouting routing = routing(RocksDb.store(),
                notes().materialize("notes", Serdes.String()).withStore(ViewStore.inMemory()), names(ViewStore.inMemory()));

        assertThat(routing.storeFor("products.table")).isEqualTo(ViewStore.inMemory());
        assertThat(routing.storeFor("notes.fk-join-1-subscription-store")).isEqualTo(ViewStore.inMemory());
    }

    @Test
    void storeFor_tableOfViewsChoosingNone_takesTheDefault() {
        StoreRouting routing = routing(RocksDb.ephemeral(), notes().materialize("notes", Serdes.String()));

        assertThat(routing.storeFor("products.table")).isEqualTo(RocksDb.ephemeral());
        assertThat(routing.storeFor("some-other-store")).isEqualTo(RocksDb.ephemeral());
    }

    @Test
    void storeFor_tableReadByAnEphemeralAndADurableView_isDurable() {
        StoreRouting routing = routing(ViewStore.inMemory(),
                notes().materialize("notes", Serdes.String()).withStore(RocksDb.ephemeral()), names(RocksDb.store()));

        assertThat(routing.storeFor("products.table")).isEqualTo(RocksDb.store());
        assertThat(routing.storeFor("orders.table")).as("read by the ephemeral view alone").isEqualTo(RocksDb.ephemeral());
    }

    @Test
    void storeFor_bareTableViewJoinedByARocksDbView_isRocksDb() {
        // a view that is its topic's table as it is holds the table every other reader of the topic uses
        ViewDefinition<String, String> products = View.from(PRODUCTS).materialize("products-view");
        StoreRouting routing = routing(ViewStore.inMemory(), products,
                notes().materialize("notes", Serdes.String()).withStore(RocksDb.store()));

        assertThat(routing.storeFor("products-view")).isEqualTo(RocksDb.store());
    }
}
