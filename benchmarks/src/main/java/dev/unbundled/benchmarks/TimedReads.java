package dev.unbundled.benchmarks;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Point reads of a fixed set of existing keys, one after another from the calling thread, each timed: the
 * latency of every read and how many reads a second one reader does. Measured stretches add up, so that
 * several kinds of read can take turns. Not thread-safe.
 *
 * <pre>{@code
 * TimedReads local = new TimedReads("local()", view.local()::get, keysHeldHere);
 * local.warmUp(1.0);
 * local.measure(2.0);
 * local.latencies().percentileMicros(99);
 * }</pre>
 */
public final class TimedReads {
    private final String name;
    private final Function<String, ? extends Optional<?>> get;
    private final String[] keys;
    private final Latencies latencies = new Latencies();
    private long reads;
    private long nanos;
    private int next;

    /**
     * @param name what is read, for the report
     * @param get one read
     * @param keys the keys to read in turn; each must exist
     * @throws IllegalArgumentException if there are no keys
     */
    public TimedReads(String name, Function<String, ? extends Optional<?>> get, List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("No keys to read for " + name);
        }
        this.name = name;
        this.get = get;
        this.keys = keys.toArray(String[]::new);
    }

    /** @param seconds how long to read without keeping what is measured */
    public void warmUp(double seconds) {
        read(seconds, false);
    }

    /** @param seconds how long to read, adding every read's latency and the time to the figures */
    public void measure(double seconds) {
        read(seconds, true);
    }

    private void read(double seconds, boolean keep) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long after;
        long count = 0;
        do {
            String key = keys[next];
            next = next + 1 == keys.length ? 0 : next + 1;
            long before = System.nanoTime();
            Optional<?> value = get.apply(key);
            after = System.nanoTime();
            if (value.isEmpty()) {
                throw new IllegalStateException(name + " found no value for " + key + ", which exists");
            }
            if (keep) {
                latencies.add(after - before);
            }
            count++;
        } while (after - end < 0);
        if (keep) {
            reads += count;
            nanos += after - start;
        }
    }

    /** @return what is read */
    public String name() {
        return name;
    }

    /** @return how many keys are read in turn */
    public int keys() {
        return keys.length;
    }

    /** @return the latency of every measured read */
    public Latencies latencies() {
        return latencies;
    }

    /** @return measured reads per second */
    public double readsPerSecond() {
        return reads / (nanos / 1e9);
    }
}
