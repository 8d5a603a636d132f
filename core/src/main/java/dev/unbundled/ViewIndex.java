package dev.unbundled;

import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;

/**
 * A secondary index of a view: a second key computed from each row's value, by which the view can be read
 * besides its own key. Declare it on the view's definition with {@link ViewDefinition#withIndex}, read it with
 * {@link ReadOnlyView#index}.
 *
 * <pre>{@code
 * static final ViewIndex<String, OrderNote> BY_CUSTOMER =
 *     ViewIndex.of("by-customer", OrderNote::customerId, Serdes.String());
 *
 * ViewDefinition<String, OrderNote> notes = View.from(orders)
 *     .join(View.from(products), Order::productId, OrderNote::new)
 *     .materialize("order-notes", Json.serde(OrderNote.class))
 *     .withIndex(BY_CUSTOMER);
 *
 * Map<String, OrderNote> ofCustomer = runtime.view(notes).index(BY_CUSTOMER).get("c-7");
 * }</pre>
 *
 * <p>The index is kept by the task that keeps the view, in the same commit, one index per partition whose
 * entries are ordered by index key (its serialised bytes, compared unsigned) and then by the view's key. It is
 * restored with the view and rebuilt with it. A row whose index key is null is not in the index. An index key
 * function must be a pure function of the value; if it throws for a row, that row is left out of the index
 * and the failure is logged. An index is a value: equal names, functions and serdes make equal indexes.
 *
 * @param name the index's name: 1 to 100 letters, digits, {@code _} and {@code -}; unique within its view
 * @param key the index key of a row's value, or null to leave the row out of the index
 * @param serde the serde of index keys, whose serialised bytes order the index
 * @param <I> the index key type
 * @param <V> the value type of the views it can index
 */
public record ViewIndex<I, V>(String name, Function<? super V, ? extends I> key, Serde<I> serde) {
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,100}");

    /** Checks the name and that nothing is null. */
    public ViewIndex {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, () -> "index '" + name + "': key must not be null");
        Objects.requireNonNull(serde, () -> "index '" + name + "': serde must not be null");
        if (!LEGAL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a legal index name: use 1 to 100 letters,"
                    + " digits, '_' and '-' (it names a store and its changelog topic)");
        }
    }

    /**
     * @param name the index's name, unique within its view
     * @param key the index key of a row's value, or null to leave the row out
     * @param serde the serde of index keys
     * @param <I> the index key type
     * @param <V> the value type
     * @return the index
     */
    public static <I, V> ViewIndex<I, V> of(String name, Function<? super V, ? extends I> key, Serde<I> serde) {
        return new ViewIndex<>(name, key, serde);
    }
}
