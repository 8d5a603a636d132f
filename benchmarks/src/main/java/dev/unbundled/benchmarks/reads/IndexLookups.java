package dev.unbundled.benchmarks.reads;

import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.benchmarks.UnbundledViews;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The products of one price, in memory: through the products view's index by price, and through a second view
 * keyed by price and name, read by prefix, which is what a service does without indexes. Both collect the
 * rows into a map (about ten at 100,000 products).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IndexLookups {

    /**
     * @param state the indexed view
     * @param prices the prices
     * @return the products of the price, by id
     */
    @Benchmark
    public Map<String, Product> indexGet(ReadStates.IndexedViewState state, ReadStates.Prices prices) {
        return state.byPrice.get(prices.next());
    }

    /**
     * @param state the re-keyed view
     * @param prices the prices
     * @return the products of the price, by their key in that view
     */
    @Benchmark
    public Map<String, Product> rekeyedPrefixScan(ReadStates.RekeyedViewState state, ReadStates.Prices prices) {
        Map<String, Product> rows = new LinkedHashMap<>();
        try (Stream<Map.Entry<String, Product>> found = state.view.prefixScan(UnbundledViews.pricePrefix(prices.next()))) {
            found.forEach(row -> rows.put(row.getKey(), row.getValue()));
        }
        return rows;
    }
}
