package dev.unbundled.internal.compile;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslSessionParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.DslWindowParams;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * The {@code dsl.store.suppliers.class} of every Unbundled topology: it creates each store by its name, with
 * the choice {@link StoreRouting#storeFor(String)} gives. The compiler names most stores and sets their type
 * itself; this covers the stores Kafka Streams creates on its own inside an operator (a foreign-key join's
 * subscription store, {@code <view>.fk-join-N-subscription-store}), which would otherwise get one type for
 * the whole runtime whatever their view chose.
 */
public final class RoutedStoreSuppliers implements DslStoreSuppliers {
    private StoreRouting routing;

    /** Kafka Streams creates the suppliers reflectively and then configures them. */
    public RoutedStoreSuppliers() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object given = configs.get(StoreRouting.CONFIG);
        if (!(given instanceof StoreRouting known)) {
            throw new ConfigException(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, getClass().getName(),
                    "routes stores by the views of an Unbundled runtime and runs only there; it found no "
                            + StoreRouting.CONFIG + " among the settings");
        }
        this.routing = known;
    }

    @Override
    public KeyValueBytesStoreSupplier keyValueStore(DslKeyValueParams params) {
        return suppliersFor(params.name()).keyValueStore(params);
    }

    @Override
    public WindowBytesStoreSupplier windowStore(DslWindowParams params) {
        return suppliersFor(params.name()).windowStore(params);
    }

    @Override
    public SessionBytesStoreSupplier sessionStore(DslSessionParams params) {
        return suppliersFor(params.name()).sessionStore(params);
    }

    private DslStoreSuppliers suppliersFor(String store) {
        if (routing == null) {
            throw new IllegalStateException("Store '" + store + "' was asked for before the store routing was"
                    + " configured; Kafka Streams configures " + getClass().getSimpleName() + " first");
        }
        return routing.suppliersFor(store);
    }
}
