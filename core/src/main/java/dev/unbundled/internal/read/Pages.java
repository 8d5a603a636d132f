package dev.unbundled.internal.read;

import dev.unbundled.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/** Cuts a page from ordered rows. */
final class Pages {
    private Pages() {
    }

    /**
     * @param rows the rows of a scan, in serialised-key order
     * @param spec the scan, to resume in the cursor
     * @param limit the most rows in the page
     * @param keys the view's key serializer
     * @param view the view's name, which the cursor carries
     * @return the page, with a cursor if more rows follow
     */
    static <K, V> Page<K, V> take(KeyValueIterator<K, V> rows, ScanSpec spec, int limit, Serializer<K> keys,
                                    String view) {
        List<Map.Entry<K, V>> entries = new ArrayList<>(Math.min(limit, 1_024));
        K last = null;
        while (entries.size() < limit && rows.hasNext()) {
            KeyValue<K, V> row = rows.next();
            entries.add(Map.entry(row.key, row.value));
            last = row.key;
        }
        Optional<String> next = last != null && rows.hasNext()
                ? Optional.of(spec.after(keys.serialize(null, last)).encode(view)) : Optional.empty();
        return new Page<>(entries, next);
    }
}
