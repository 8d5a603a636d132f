package dev.unbundled.benchmarks;

/**
 * What one measured stretch of work cost: how many records, in how much wall time and CPU time.
 *
 * @param records records done in the window
 * @param seconds wall-clock seconds
 * @param processCpuSeconds CPU seconds of the whole process (broker included)
 * @param threadCpuSeconds CPU seconds of the measured application's own threads
 */
public record Window(long records, double seconds, double processCpuSeconds, double threadCpuSeconds) {

    /**
     * @param records records done between the readings
     * @param start the reading at the start
     * @param end the reading at the end
     * @return the window between them
     */
    public static Window between(long records, CpuClock.Reading start, CpuClock.Reading end) {
        return new Window(records, (end.wallNanos() - start.wallNanos()) / 1e9,
                (end.processNanos() - start.processNanos()) / 1e9, (end.threadNanos() - start.threadNanos()) / 1e9);
    }

    /** @return records per second */
    public double recordsPerSecond() {
        return records / seconds;
    }

    /** @return process CPU seconds per million records */
    public double processCpuPerMillion() {
        return processCpuSeconds * 1e6 / records;
    }

    /** @return application-thread CPU seconds per million records */
    public double threadCpuPerMillion() {
        return threadCpuSeconds * 1e6 / records;
    }
}
