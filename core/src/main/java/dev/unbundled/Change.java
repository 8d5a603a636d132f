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
 * });
 * }</pre>
 *
 * @param key the key that changed
 * @param oldValue the value before the change, when known; Unbundled does not capture it yet, so today it
 *     is always empty: keep your own copy if you need it
 * @param newValue the value after the change, empty for a delete
 * @param <K> the key type
 * @param <V> the value type
 */
public record Change<K, V>(K key, Optional<V> oldValue, Optional<V> newValue) {

    /**
     * @param key the key that changed
     * @param oldValue the value before the change, when known
     * @param newValue the value after the change, empty for a delete
     * @throws NullPointerException if an argument is null
     */
    public Change {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldValue, "oldValue");
        Objects.requireNonNull(newValue, "newValue");
    }

    /** @return true if the key was deleted from the view */
    public boolean isDelete() {
        return newValue.isEmpty();
    }
}
