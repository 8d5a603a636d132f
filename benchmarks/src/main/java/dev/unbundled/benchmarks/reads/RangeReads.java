package dev.unbundled.benchmarks.reads;

import dev.unbundled.benchmarks.Model.Product;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Range scans of {@code size} consecutive existing products, every row consumed and the scan closed:
 * through Unbundled's view and through the raw Kafka Streams store, each in memory and on RocksDB (the JMH
 * parameter {@code store}), and over a {@code TreeMap} (the floor).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RangeReads {

    /**
     * @param state the view
     * @param ranges the ranges
     * @param sink consumes the rows
     */
    @Benchmark
    public void viewRange(ReadStates.ViewState state, ReadStates.Ranges ranges, Blackhole sink) {
        int range = ranges.advance();
        try (Stream<Map.Entry<String, Product>> rows = state.view.range(ranges.from[range], ranges.to[range])) {
            rows.forEach(sink::consume);
        }
    }

    /**
     * @param state the view with its read cache off
     * @param ranges the ranges
     * @param sink consumes the rows
     */
    @Benchmark
    public void viewRangeUncached(ReadStates.UncachedViewState state, ReadStates.Ranges ranges, Blackhole sink) {
        int range = ranges.advance();
        try (Stream<Map.Entry<String, Product>> rows = state.view.range(ranges.from[range], ranges.to[range])) {
            rows.forEach(sink::consume);
        }
    }

    /**
     * @param state the raw store
     * @param ranges the ranges
     * @param sink consumes the rows
     */
    @Benchmark
    public void rawStoreRange(ReadStates.RawStoreState state, ReadStates.Ranges ranges, Blackhole sink) {
        int range = ranges.advance();
        try (KeyValueIterator<String, Product> rows = state.rows.range(ranges.from[range], ranges.to[range])) {
            while (rows.hasNext()) {
                KeyValue<String, Product> row = rows.next();
                sink.consume(row);
            }
        }
    }

    /**
     * @param state the maps
     * @param ranges the ranges
     * @param sink consumes the rows
     */
    @Benchmark
    public void treeMapRange(ReadStates.MapState state, ReadStates.Ranges ranges, Blackhole sink) {
        int range = ranges.advance();
        for (Map.Entry<String, Product> row : state.sorted.subMap(ranges.from[range], true, ranges.to[range], true).entrySet()) {
            sink.consume(row);
        }
    }
}
