package dev.unbundled;

/**
 * Hears every read a runtime's views answer, for metrics: how long it took, what kind of read it was and
 * where it was answered. Called on the reading thread after each read, also when it failed: keep it fast
 * and never throw. Set with {@link ViewRuntime.Builder#readListener(ReadListener)}; the Spring Boot starter
 * sets one that records Micrometer timers.
 *
 * <pre>{@code
 * ViewRuntime.builder()
 *         .readListener((view, kind, outcome, nanos) ->
 *                 registry.timer("view.read", "view", view, "kind", kind.name(), "outcome", outcome.name())
 *                         .record(nanos, TimeUnit.NANOSECONDS))
 *         ...
 * }</pre>
 */
@FunctionalInterface
public interface ReadListener {

    /**
     * @param view the view's name
     * @param kind the read
     * @param outcome where it was answered, or how it failed
     * @param nanos how long it took, to the answer (for scans: to the open stream)
     */
    void onRead(String view, Kind kind, Outcome outcome, long nanos);

    /** The reads of {@link ReadOnlyView}. */
    enum Kind {
        /** {@code get(key)}, with or without freshness. */
        GET,
        /** {@code getAll(keys)}. */
        GET_ALL,
        /** {@code getAsOf(key, instant)}. */
        GET_AS_OF,
        /** {@code read(key)}. */
        READ,
        /** {@code range(from, to)}. */
        RANGE,
        /** {@code all()}. */
        ALL,
        /** {@code prefixScan(prefix)}. */
        PREFIX_SCAN,
        /** {@code page}, {@code nextPage}. */
        PAGE,
        /** {@code approximateCount()}. */
        COUNT
    }

    /** Where a read was answered, or how it failed. */
    enum Outcome {
        /** From this instance's active copy. */
        LOCAL,
        /** By another instance's active copy. */
        REMOTE,
        /** By a standby copy, here or at another instance. */
        STANDBY,
        /** A scan of every partition, merged from this instance and the others that hold partitions. */
        ROUTED,
        /** Refused with {@link ViewNotReadyException}. */
        NOT_READY,
        /** Failed with another exception. */
        FAILED
    }
}
