package dev.unbundled.benchmarks;

import java.util.Arrays;

/** Collects delays in nanoseconds and reads percentiles off them. Not thread-safe. */
public final class Latencies {
    private long[] samples = new long[1024];
    private int size;
    private boolean sorted;

    /** @param nanos one delay */
    public void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
        sorted = false;
    }

    /** @param other delays to add to these */
    public void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.samples[i]);
        }
    }

    /** @return how many delays were added */
    public int count() {
        return size;
    }

    /**
     * @param percent a percentile, such as 99.9
     * @return the delay at that percentile (nearest rank), in milliseconds; NaN without samples
     */
    public double percentileMillis(double percent) {
        return percentileNanos(percent) / 1e6;
    }

    /**
     * @param percent a percentile, such as 99.9
     * @return the delay at that percentile (nearest rank), in microseconds; NaN without samples
     */
    public double percentileMicros(double percent) {
        return percentileNanos(percent) / 1e3;
    }

    private double percentileNanos(double percent) {
        if (size == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(samples, 0, size);
            sorted = true;
        }
        int rank = (int) Math.ceil(percent / 100.0 * size);
        return samples[Math.max(0, Math.min(size - 1, rank - 1))];
    }
}
