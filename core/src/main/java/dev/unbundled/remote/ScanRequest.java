package dev.unbundled.remote;

import java.util.List;
import java.util.Objects;

/**
 * A page of a scan over some partitions of a view at one instance. Bounds are serialised keys; the answer
 * lists rows in the order of their serialised bytes.
 *
 * <pre>{@code
 * // the first 100 rows of partitions 0 and 3, any key, active copies only
 * ScanRequest request = new ScanRequest("top-five", List.of(0, 3), null, null, null, null, 100, -1);
 * ScanAnswer page = transport.scan("10.0.0.8:7070", request);
 * }</pre>
 *
 * @param view the view's name
 * @param partitions the partitions to read, which the sender's metadata says this instance holds
 * @param from the lowest key, inclusive, or null for no lower bound
 * @param to the highest key, inclusive, or null for no upper bound
 * @param prefix only keys whose bytes start with these, or null for all keys
 * @param after only keys after this one, exclusive (the last key of the previous page), or null
 * @param limit the most rows to return, at least 1; a server may return fewer and say there are more
 * @param maxLag the most records a standby copy may be behind to answer, or -1 to require active copies
 * @param maxBytes the most bytes of keys and values to return, at least 1; a page holds its first row whatever
 *        its size, and stops (saying there is more) before a row that would take it over this
 */
public record ScanRequest(String view, List<Integer> partitions, byte[] from, byte[] to, byte[] prefix, byte[] after,
                          int limit, long maxLag, int maxBytes) {
    /** Checks the fields. */
    public ScanRequest {
        Objects.requireNonNull(view, "view");
        partitions = List.copyOf(partitions);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, was " + maxBytes);
        }
    }

    /**
     * A scan bounded by rows only; the server answering it bounds its bytes.
     *
     * <pre>{@code
     * new ScanRequest("top-five", List.of(0, 3), null, null, null, null, 100, -1);
     * }</pre>
     *
     * @param view the view's name
     * @param partitions the partitions to read
     * @param from the lowest key, inclusive, or null
     * @param to the highest key, inclusive, or null
     * @param prefix only keys whose bytes start with these, or null
     * @param after only keys after this one, exclusive, or null
     * @param limit the most rows to return, at least 1
     * @param maxLag the most records a standby copy may be behind to answer, or -1 to require active copies
     */
    public ScanRequest(String view, List<Integer> partitions, byte[] from, byte[] to, byte[] prefix, byte[] after,
                       int limit, long maxLag) {
        this(view, partitions, from, to, prefix, after, limit, maxLag, Integer.MAX_VALUE);
    }
}
