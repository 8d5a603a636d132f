package dev.unbundled;

import java.util.Objects;
import java.util.Optional;

/**
 * One change to a view, as delivered to a {@link ChangeListener}: a key got a new value, or was deleted.
 *
 * <pre>{@code
 * view.subscribe(change -> {
 *     if (change.isDelete()) {
 *         cache.invalidate(change.key());
 *     } else {
 *         cache.put(change.key(), change.newValue().orElseThrow());
 *     }
 *     change.oldValue().ifPresent(before -> totals.subtract(before));   // empty for an insert
 * });
 * }</pre>
 *
 * @param key the key that changed
 * @param oldValue the value the view held for the key before the change: empty for an insert; the deleted
 *     value for a delete. It is read from the view's store as the change is applied, so it is empty too for a
 *     change applied while the first subscription was being made, and for a filtered view's delete of a key
 *     it did not hold
 * @param newValue the value after the change, empty for a delete
 * @param position the input record whose processing made the change, as a token: the view has processed
 *     this position once the change is delivered. {@link Freshness#any()} when the record came from a topic
 *     the view does not read directly (after a repartition step, such as a foreign-key join or a re-key)
 * @param <K> the key type
 * @param <V> the value type
 */
public record Change<K, V>(K key, Optional<V> oldValue, Optional<V> newValue, Freshness position) {

    /**
     * @param key the key that changed
     * @param oldValue the value before the change, when known
     * @param newValue the value after the change, empty for a delete
     * @param position the input record that made the change, or {@link Freshness#any()}
     * @throws NullPointerException if an argument is null
     */
    public Change {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldValue, "oldValue");
        Objects.requireNonNull(newValue, "newValue");
        Objects.requireNonNull(position, "position");
    }

    /**
     * A change whose position is unknown.
     *
     * @param key the key that changed
     * @param oldValue the value before the change, when known
     * @param newValue the value after the change, empty for a delete
     */
    public Change(K key, Optional<V> oldValue, Optional<V> newValue) {
        this(key, oldValue, newValue, Freshness.any());
    }

    /** @return true if the key was deleted from the view */
    public boolean isDelete() {
        return newValue.isEmpty();
    }
}
