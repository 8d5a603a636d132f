package dev.unbundled.internal.compile;

import dev.unbundled.ViewIndex;
import dev.unbundled.internal.read.IndexKeys;
import dev.unbundled.internal.read.IndexRows;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one index of a view: hung after the view's changes, in the view's task, it files each changed row
 * under its index key and removes it from the one it was filed under ({@link IndexKeys}). It writes in the
 * same task and commit as the view's store, so the two are restored and committed together.
 */
final class IndexWriter implements Processor<Object, Object, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(IndexWriter.class);
    private static final byte[] FILED = new byte[0];

    private final String view;
    private final String storeName;
    private final ViewIndex<?, ?> index;
    private final IndexRows.IndexCheck check;
    private final Serializer<Object> viewKeys;
    private final LiveStores live;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<Bytes, byte[]> store;

    IndexWriter(String view, String storeName, ViewIndex<?, ?> index, Serializer<Object> viewKeys, LiveStores live) {
        this.view = view;
        this.storeName = storeName;
        this.index = index;
        this.check = new IndexRows.IndexCheck(index);
        this.viewKeys = viewKeys;
        this.live = live;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(storeName);
        live.registerIndex(index.name(), context, store);
    }

    @Override
    public void close() {
        live.unregisterIndex(index.name(), context, store);
    }

    @Override
    public void process(Record<Object, Object> record) {
        if (record.key() == null) {
            return;
        }
        byte[] viewKey = viewKeys.serialize(null, record.key());
        byte[] filed = record.value() == null ? null : indexKeyOf(record.key(), record.value());
        Bytes reverse = Bytes.wrap(IndexKeys.reverse(viewKey));
        byte[] was = store.get(reverse);
        if (Arrays.equals(was, filed)) {
            return;
        }
        if (was != null) {
            store.delete(Bytes.wrap(IndexKeys.entry(was, viewKey)));
        }
        if (filed == null) {
            store.delete(reverse);
        } else {
            store.put(Bytes.wrap(IndexKeys.entry(filed, viewKey)), FILED);
            store.put(reverse, filed);
        }
    }

    private byte[] indexKeyOf(Object key, Object value) {
        try {
            return check.escapedKeyOf(value);
        } catch (RuntimeException e) {
            LOG.warn("View '{}': the key of index '{}' could not be computed for the row of key '{}'; the row is left"
                    + " out of the index (the view holds it). Make the index key function total", view, index.name(),
                    key, e);
            return null;
        }
    }
}
