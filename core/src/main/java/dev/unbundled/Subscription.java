package dev.unbundled;

/**
 * A listener's subscription to the changes of a view, as returned by {@link ReadOnlyView#subscribe}.
 * Close it to stop the deliveries and its dispatcher thread; the runtime closes the remaining ones when
 * it closes.
 *
 * <pre>{@code
 * try (Subscription subscription = view.subscribe(change -> outerCache.invalidate(change.key()))) {
 *     serveUntilShutdown();
 * }
 * }</pre>
 */
public interface Subscription extends AutoCloseable {

    /** @return true until the subscription is closed or dropped after an overflow */
    boolean isActive();

    /** @return how many changes were delivered to the listener so far */
    long delivered();

    /**
     * Stops the deliveries: changes still buffered are discarded and the dispatcher thread ends. Idempotent.
     */
    @Override
    void close();
}
