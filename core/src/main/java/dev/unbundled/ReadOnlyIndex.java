package dev.unbundled;

import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads of a view by one of its {@linkplain ViewIndex secondary indexes}: the rows whose index key is given,
 * or falls in a range or under a prefix. Rows come in index-key order (serialised bytes, compared unsigned),
 * and within one index key in the view's key order. Every row returned is the view's row as the view holds
 * it now, and its index key is the one asked for: the index and the view never disagree.
 *
 * <pre>{@code
 * ReadOnlyIndex<String, String, OrderNote> byCustomer = notes.index(BY_CUSTOMER);
 * Map<String, OrderNote> ofCustomer = byCustomer.get("c-7");
 * try (Stream<Map.Entry<String, OrderNote>> rows = byCustomer.range("c-1", "c-5")) {
 *     rows.forEach(row -> print(row.getKey(), row.getValue()));
 * }
 * Page<String, OrderNote> first = byCustomer.page("c-7", 100);
 * }</pre>
 *
 * <p>A routed view's index reads every partition, at the instances that hold them, as the view's scans do;
 * {@link ReadOnlyView#local()}'s index reads this instance's partitions only. Streams hold store iterators:
 * close them, best with try-with-resources. Pages hold nothing.
 *
 * @param <I> the index key type
 * @param <K> the view's key type
 * @param <V> the view's value type
 */
public interface ReadOnlyIndex<I, K, V> {

    /** @return the index's name */
    String name();

    /**
     * @param indexKey an index key
     * @return the rows whose index key it is, in view-key order; empty if none
     * @throws NullPointerException if the index key is null
     * @throws ViewNotReadyException if the view cannot answer now
     */
    Map<K, V> get(I indexKey);

    /**
     * @param from the lowest index key, inclusive
     * @param to the highest index key, inclusive
     * @return the rows whose index key is between, in index-key order; close it
     * @throws IllegalArgumentException if from's serialised bytes come after to's
     */
    Stream<Map.Entry<K, V>> range(I from, I to);

    /**
     * @param prefix the start of index keys' serialised bytes
     * @return the rows whose serialised index key starts with the prefix's, in index-key order; close it
     */
    Stream<Map.Entry<K, V>> prefixScan(I prefix);

    /** @return every row that has an index key, in index-key order; close it */
    Stream<Map.Entry<K, V>> all();

    /**
     * @param indexKey an index key
     * @param limit the most rows to return, at least 1
     * @return the first page of the rows whose index key it is; pass its cursor to {@link #nextPage}
     */
    Page<K, V> page(I indexKey, int limit);

    /**
     * @param from the lowest index key, inclusive
     * @param to the highest index key, inclusive
     * @param limit the most rows to return, at least 1
     * @return the first page of the rows whose index key is between; pass its cursor to {@link #nextPage}
     */
    Page<K, V> page(I from, I to, int limit);

    /**
     * @param cursor a page's {@link Page#next()} from this index
     * @param limit the most rows to return, at least 1
     * @return the page after the one the cursor came from
     * @throws IllegalArgumentException if the cursor is not one of this index's
     */
    Page<K, V> nextPage(String cursor, int limit);
}
