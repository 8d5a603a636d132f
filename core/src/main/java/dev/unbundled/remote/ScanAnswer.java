package dev.unbundled.remote;

import java.util.List;
import java.util.Objects;

/**
 * A page of a scan: rows in the order of their serialised keys.
 *
 * <pre>{@code
 * ScanAnswer page = transport.scan("10.0.0.8:7070", request);
 * for (ScanAnswer.Row row : page.rows()) {
 *     print(keys.deserialize(null, row.key()), values.deserialize(null, row.value()));
 * }
 * if (page.more()) {
 *     // ask again, with the last row's key as the request's 'after'
 * }
 * }</pre>
 *
 * @param rows the rows, each key and value serialised with the view's serdes
 * @param more whether rows after the last one may exist in the scanned partitions
 */
public record ScanAnswer(List<Row> rows, boolean more) {
    /** Checks the fields. */
    public ScanAnswer {
        rows = List.copyOf(rows);
    }

    /**
     * One row of a scan.
     *
     * @param key the serialised key
     * @param value the serialised value
     */
    public record Row(byte[] key, byte[] value) {
        /** Checks the fields. */
        public Row {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }
}
