package dev.unbundled.internal.compile;

import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Enriches a table's changes against a global store as they arrive. Unlike Kafka Streams' stream-global
 * join it passes deletes through, so the enriched table loses a row when its source row goes.
 */
final class LookupProcessor implements FixedKeyProcessor<Object, Object, Object> {
    private final String globalStore;
    private final Function<Object, Object> keyOf;
    private final BiFunction<Object, Object, Object> joiner;
    private FixedKeyProcessorContext<Object, Object> context;
    private ReadOnlyKeyValueStore<Object, Object> store;

    LookupProcessor(String globalStore, Function<Object, Object> keyOf, BiFunction<Object, Object, Object> joiner) {
        this.globalStore = globalStore;
        this.keyOf = keyOf;
        this.joiner = joiner;
    }

    @Override
    public void init(FixedKeyProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(globalStore);
    }

    @Override
    public void process(FixedKeyRecord<Object, Object> record) {
        Object value = record.value();
        if (value == null) {
            context.forward(record);
            return;
        }
        Object key = keyOf.apply(value);
        Object found = key == null ? null : store.get(key);
        if (found instanceof ValueAndTimestamp<?> stamped) {
            found = stamped.value();
        }
        context.forward(record.withValue(found == null ? null : joiner.apply(value, found)));
    }
}
