package dev.unbundled.internal.compile;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslSessionParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.DslWindowParams;
import org.apache.kafka.streams.state.HeadersBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * A store choice whose plain key-value stores are wrapped in one of Unbundled's store layers as they are made;
 * window and session stores, and key-value suppliers of other formats (versioned, with headers), are left as
 * they are.
 *
 * <pre>{@code
 * DslStoreSuppliers capturing = new WrappingSuppliers(suppliers, inner -> OldValueStore.of(inner, wanted, open));
 * }</pre>
 *
 * @param suppliers the store choice
 * @param wrap wraps each plain key-value store it makes
 */
record WrappingSuppliers(DslStoreSuppliers suppliers, UnaryOperator<KeyValueStore<Bytes, byte[]>> wrap)
        implements DslStoreSuppliers {
    WrappingSuppliers {
        Objects.requireNonNull(suppliers, "suppliers");
        Objects.requireNonNull(wrap, "wrap");
    }

    @Override
    public void configure(Map<String, ?> configs) {
        suppliers.configure(configs);
    }

    @Override
    public KeyValueBytesStoreSupplier keyValueStore(DslKeyValueParams params) {
        KeyValueBytesStoreSupplier supplier = suppliers.keyValueStore(params);
        if (supplier instanceof VersionedBytesStoreSupplier || supplier instanceof HeadersBytesStoreSupplier) {
            return supplier;   // other builders, other formats: left as they are
        }
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return supplier.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return wrap.apply(supplier.get());
            }

            @Override
            public String metricsScope() {
                return supplier.metricsScope();
            }
        };
    }

    @Override
    public WindowBytesStoreSupplier windowStore(DslWindowParams params) {
        return suppliers.windowStore(params);
    }

    @Override
    public SessionBytesStoreSupplier sessionStore(DslSessionParams params) {
        return suppliers.sessionStore(params);
    }
}
