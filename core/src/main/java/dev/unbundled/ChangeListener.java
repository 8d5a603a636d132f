package dev.unbundled;

/**
 * Receives the changes to a view, once each, after they are applied: see {@link ReadOnlyView#subscribe}.
 * Called on the subscription's own dispatcher thread, never on a stream thread, one change at a time,
 * in the order the view applied them (per key; changes to keys of different partitions interleave).
 *
 * <pre>{@code
 * ChangeListener<String, OrderNote> push = new ChangeListener<>() {
 *     public void onChange(Change<String, OrderNote> change) {
 *         websocket.send(change.key(), change.newValue());
 *     }
 *
 *     public void onError(ViewException error) {
 *         log.warn("lost the subscription; re-reading the view", error);
 *         resync();
 *     }
 * };
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface ChangeListener<K, V> {

    /**
     * Receives one change. An exception thrown here is logged and the next change is delivered.
     *
     * @param change the change, already applied to the view
     */
    void onChange(Change<K, V> change);

    /**
     * Called once, as the last call, when the subscription ends because it could not keep up: its buffer
     * filled (see {@link ReadOnlyView#subscribe(ChangeListener, int)}). The changes still buffered are
     * delivered before this; later ones are not. Re-read the view and subscribe again. Not called when
     * the subscription is closed by its owner or by the runtime.
     *
     * @param error names the view, the buffer size and what to do
     */
    default void onError(ViewException error) {
    }
}
