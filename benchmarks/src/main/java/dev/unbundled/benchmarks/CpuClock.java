package dev.unbundled.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Reads CPU time two ways: the whole process's (what the run costs, broker included, as the issue asks),
 * and that of the threads of one Kafka Streams application alone, found by a tag in their names (what
 * the view costs without the broker that serves both sides the same). Every thread Kafka Streams
 * starts carries its application id or client id in its name.
 */
public final class CpuClock {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuClock() {
    }

    /** @return CPU time the process has used, in nanoseconds */
    public static long processNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * @param tag a text every thread of the application has in its name, such as its application id
     * @return CPU time the application's live threads have used, in nanoseconds
     */
    public static long threadNanos(String tag) {
        long total = 0;
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().contains(tag)) {
                long nanos = THREADS.getThreadCpuTime(thread.getThreadId());
                if (nanos > 0) {
                    total += nanos;
                }
            }
        }
        return total;
    }

    /**
     * @param tag a text in the names of an application's threads
     * @return the names of its threads that are still alive
     */
    public static java.util.List<String> liveThreads(String tag) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().contains(tag)) {
                names.add(thread.getThreadName());
            }
        }
        return names;
    }

    /**
     * A reading of the wall clock and both CPU clocks at one moment.
     *
     * @param wallNanos {@link System#nanoTime()}
     * @param processNanos the process's CPU time
     * @param threadNanos the application's threads' CPU time
     */
    public record Reading(long wallNanos, long processNanos, long threadNanos) {
        /**
         * @param tag the application's thread-name tag
         * @return a reading now
         */
        public static Reading now(String tag) {
            return new Reading(System.nanoTime(), CpuClock.processNanos(), CpuClock.threadNanos(tag));
        }
    }
}
