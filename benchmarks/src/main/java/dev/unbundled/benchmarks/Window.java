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

    /**
     * Where a maintenance window opens: when the application is ready, unless it had already done a tenth of
     * the work by the time readiness was seen (small runs), in which case at {@code start()}, start-up included.
     *
     * @param beforeStart the reading just before the application was started
     * @param ready the reading when it was seen ready
     * @param doneAtReady how much of the work was visible at {@code ready}
     * @param work how much work there is
     * @return the reading to open the window with
     */
    public static CpuClock.Reading opening(CpuClock.Reading beforeStart, CpuClock.Reading ready, long doneAtReady,
                                           long work) {
        return doneAtReady * 10 >= work ? beforeStart : ready;
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
