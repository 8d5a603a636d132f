package dev.unbundled.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

/**
 * The sizes of one benchmark run. The defaults fit the whole run in under ten minutes on two cores;
 * every figure can be changed with a system property {@code -Dbench.NAME=VALUE} (an empty value keeps
 * the default), and {@code bench.scale} multiplies every record count at once.
 *
 * <pre>{@code
 * mvn -B -q -pl benchmarks -am package -DskipTests exec:exec -Dbench.scale=4 -Dbench.rounds=3
 * }</pre>
 *
 * @param partitions partitions of every input topic
 * @param rounds measured A/B rounds of each end-to-end run (A then B, then B then A, ...)
 * @param warmupPercent size of the unmeasured warm-up run of each side, in percent of the measured size
 * @param products products materialised into a view (also the topic the rebuild reads)
 * @param rocksDbProducts products materialised into a view on RocksDB: fewer, to keep the whole run short
 * @param liveProducts products sent to a running application's empty topic, in memory and on RocksDB alike: the
 *     materialise run's rows "while running"; fewer than {@code products}, to keep the whole run short
 * @param orders orders joined with {@code joinProducts} products by foreign key
 * @param joinProducts products the orders refer to
 * @param renames products renamed after the join is complete
 * @param plays play events counted per song
 * @param songs distinct songs the plays refer to
 * @param genres genres the songs belong to (top five per genre)
 * @param freshnessSeconds measured seconds per send rate in the freshness run
 * @param freshnessRates send rates of the freshness run, in records per second
 * @param eosRecords records of each throughput run of the exactly-once run (products, and plays)
 * @param eosSeconds measured seconds per setting of the exactly-once run's freshness through a repartition
 * @param eosCommitMillis the shorter {@code commit.interval.ms} the exactly-once run tries beside the default
 * @param routedProducts products in the view the routed-reads run reads from two instances
 * @param routedPartitions partitions of that view's topic, split between the two instances
 * @param routedSeconds measured seconds of each kind of routed read
 * @param readRecords entries of the store the read benchmarks read
 * @param stores where the read benchmarks' and the materialise run's views keep their rows: {@code memory},
 *     {@code rocksdb} or both (see {@link Storage})
 * @param jmhForks JMH forks per benchmark; 0 runs them in this JVM
 * @param jmhWarmups JMH warm-up iterations
 * @param jmhIterations JMH measured iterations
 * @param jmhIterationMillis length of one JMH iteration
 * @param jmhInclude regular expression of the JMH benchmarks to run
 * @param jmhProfilers JMH profilers to add, such as {@code gc}
 * @param jmhJvmArgs extra options of the forked JVMs, such as {@code -XX:StartFlightRecording=filename=reads.jfr}
 * @param only the runs to do ({@code reads, materialise, join, aggregate, rebuild, freshness, exactly-once,
 *     routed}); empty for all
 */
public record Settings(int partitions, int rounds, int warmupPercent, long products, long rocksDbProducts,
                       long liveProducts, long orders, long joinProducts,
                       long renames, long plays, long songs, long genres, double freshnessSeconds,
                       List<Integer> freshnessRates, long eosRecords, double eosSeconds, int eosCommitMillis,
                       long routedProducts, int routedPartitions,
                       double routedSeconds, long readRecords, List<Storage> stores, int jmhForks, int jmhWarmups,
                       int jmhIterations, int jmhIterationMillis, String jmhInclude, List<String> jmhProfilers,
                       List<String> jmhJvmArgs, Set<String> only) {

    /** The runs there are, in the order they are done. */
    public static final List<String> RUNS = List.of("reads", "materialise", "index", "join", "aggregate", "rebuild",
            "freshness", "exactly-once", "routed");

    /** @return the defaults, changed by any {@code bench.*} system property that is set and not empty */
    public static Settings fromSystemProperties() {
        double scale = Double.parseDouble(property("scale", "1"));
        LongUnaryOperator scaled = count -> Math.max(1, Math.round(count * scale));
        return new Settings(
                (int) number("partitions", 3),
                (int) number("rounds", 3),
                (int) number("warmupPercent", 20),
                number("products", scaled.applyAsLong(1_000_000)),
                number("rocksDbProducts", scaled.applyAsLong(500_000)),
                number("liveProducts", scaled.applyAsLong(500_000)),
                number("orders", scaled.applyAsLong(200_000)),
                number("joinProducts", scaled.applyAsLong(20_000)),
                number("renames", scaled.applyAsLong(2_000)),
                number("plays", scaled.applyAsLong(500_000)),
                number("songs", scaled.applyAsLong(10_000)),
                number("genres", 20),
                Double.parseDouble(property("freshnessSeconds", "10")),
                integers(property("freshnessRates", "1000,10000")),
                number("eosRecords", scaled.applyAsLong(300_000)),
                Double.parseDouble(property("eosSeconds", "5")),
                (int) number("eosCommitMillis", 20),
                number("routedProducts", scaled.applyAsLong(100_000)),
                (int) number("routedPartitions", 6),
                Double.parseDouble(property("routedSeconds", "4")),
                number("readRecords", scaled.applyAsLong(100_000)),
                words(property("stores", "memory,rocksdb")).stream().map(Storage::of).distinct().toList(),
                (int) number("jmhForks", 1),
                (int) number("jmhWarmups", 3),
                (int) number("jmhIterations", 5),
                (int) number("jmhIterationMillis", 2000),
                property("jmhInclude", ".*"),
                words(property("jmhProfilers", "gc")),
                List.of(property("jmhJvmArgs", "").split("\\s+")).stream().filter(a -> !a.isEmpty()).toList(),
                Set.copyOf(words(property("only", ""))));
    }

    /**
     * @return tiny sizes that run every benchmark once in seconds, in this JVM: for the smoke test, whose
     *     figures mean nothing except that each benchmark still runs
     */
    public static Settings smoke() {
        return new Settings(2, 1, 0, 300, 200, 300, 200, 20, 4, 500, 20, 4, 0.3, List.of(200), 300, 0.3, 20, 300, 6, 0.2, 500,
                List.of(Storage.values()), 0, 0, 1, 50, ".*", List.of(), List.of(), Set.of());
    }

    /**
     * @param run one of {@link #RUNS}
     * @return whether this run is to be done
     */
    public boolean includes(String run) {
        return only.isEmpty() || only.contains(run);
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty("bench." + name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static long number(String name, long fallback) {
        String value = property(name, null);
        return value == null ? fallback : Long.parseLong(value.replace("_", ""));
    }

    private static List<Integer> integers(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).collect(Collectors.toList());
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("[,\\s]+")).map(String::trim).filter(w -> !w.isEmpty())
                .map(w -> w.toLowerCase(Locale.ROOT)).collect(Collectors.toList());
    }
}
