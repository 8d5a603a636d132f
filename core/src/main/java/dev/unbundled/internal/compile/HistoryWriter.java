package dev.unbundled.internal.compile;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.VersionedKeyValueStore;

/**
 * Records each change of a view in the view's versioned history store, at the change's timestamp: a new
 * value as a version, a delete as a tombstone. It hangs off the view's changes, beside the view's own
 * store, so plain reads keep the latest value by arrival while the history orders versions by time.
 */
final class HistoryWriter implements Processor<Object, Object, Void, Void> {
    private final String storeName;
    private VersionedKeyValueStore<Object, Object> store;

    HistoryWriter(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<Object, Object> record) {
        if (record.key() != null) {
            // a null value is a tombstone: the key is absent from this timestamp on
            store.put(record.key(), record.value(), record.timestamp());
        }
    }
}
