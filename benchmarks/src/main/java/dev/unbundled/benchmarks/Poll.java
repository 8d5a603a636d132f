package dev.unbundled.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, with a short park between tries and a deadline. */
public final class Poll {
    /** How long any run may wait for an application to catch up before it is declared stuck. */
    public static final Duration PATIENCE = Duration.ofMinutes(5);

    private Poll() {
    }

    /**
     * Polls about every {@code everyMicros}: short enough that the moment a condition became true is known
     * to within a millisecond, long enough that polling costs no noticeable CPU.
     *
     * @param what what is awaited, for the message of a timeout
     * @param everyMicros the pause between tries
     * @param condition the condition
     * @return {@link System#nanoTime()} when the condition was first seen true
     * @throws IllegalStateException if the condition is not true within {@link #PATIENCE}
     */
    public static long until(String what, long everyMicros, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Timed out after " + PATIENCE + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(everyMicros));
        }
        return System.nanoTime();
    }
}
