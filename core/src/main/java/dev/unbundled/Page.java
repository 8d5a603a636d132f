package dev.unbundled;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a scan, in the order of {@link ReadOnlyView#all()} (serialised keys' bytes, compared unsigned), and
 * the cursor to the next. Pages hold no store resources: nothing to close.
 *
 * <pre>{@code
 * Page<String, Song> page = songs.page(100);
 * while (true) {
 *     page.entries().forEach(e -> print(e.getKey(), e.getValue()));
 *     if (page.next().isEmpty()) break;
 *     page = songs.nextPage(page.next().get(), 100);
 * }
 * }</pre>
 *
 * @param entries the rows of this page, ordered by serialised key bytes, compared unsigned
 * @param next the cursor to pass to {@link ReadOnlyView#nextPage(String, int)} for the following page, or empty
 *        if this is the last page
 * @param <K> the key type
 * @param <V> the value type
 */
public record Page<K, V>(List<Map.Entry<K, V>> entries, Optional<String> next) {
    /** Checks the fields and copies the entries. */
    public Page {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        Objects.requireNonNull(next, "next");
    }
}
