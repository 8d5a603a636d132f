package dev.unbundled;

import dev.unbundled.internal.plan.Plan.AggregateKind;
import dev.unbundled.internal.plan.Plan;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The rows of a table grouped by a key taken from their values, made by {@link View#groupBy}. Each
 * aggregation yields a view with a row per non-empty group: when a row changes, its old value leaves
 * its old group (the subtractor) and its new value joins its new group (the adder); a group whose last
 * row leaves is deleted.
 *
 * <pre>{@code
 * View<String, Long> ordersPerProduct =
 *     View.from(orders).groupBy(Order::productId, Serdes.String()).count();
 * }</pre>
 *
 * @param <K> the group key type
 * @param <V> the value type of the grouped rows
 */
public final class GroupedView<K, V> {
    private final Plan parent;
    private final Function<Object, Object> keyOf;
    private final Serde<Object> keySerde;

    GroupedView(Plan parent, Function<Object, Object> keyOf, Serde<Object> keySerde) {
        this.parent = parent;
        this.keyOf = keyOf;
        this.keySerde = keySerde;
    }

    /** @return a view of the number of rows in each group */
    public View<K, Long> count() {
        return aggregation(AggregateKind.COUNT, null, null, null, Serdes.Long());
    }

    /**
     * Combines the values of each group.
     *
     * @param adder folds a value that joined the group into the aggregate
     * @param subtractor takes a value that left the group out of the aggregate
     * @return a view of each group's combined value
     * @throws NullPointerException if an argument is null
     */
    public View<K, V> reduce(BiFunction<? super V, ? super V, ? extends V> adder,
                              BiFunction<? super V, ? super V, ? extends V> subtractor) {
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(subtractor, "subtractor");
        return aggregation(AggregateKind.REDUCE, null, adder, subtractor, parent.valueSerde());
    }

    /**
     * Aggregates the values of each group into a value of another type. The functions must return a
     * new aggregate rather than change the one they are given.
     *
     * @param initializer the aggregate of an empty group
     * @param adder folds a value that joined the group into the aggregate
     * @param subtractor takes a value that left the group out of the aggregate
     * @param aggregateSerde the serde of the aggregates
     * @param <VR> the aggregate type
     * @return a view of each group's aggregate
     * @throws NullPointerException if an argument is null
     */
    public <VR> View<K, VR> aggregate(Supplier<? extends VR> initializer,
                                      BiFunction<? super VR, ? super V, ? extends VR> adder,
                                      BiFunction<? super VR, ? super V, ? extends VR> subtractor,
                                      Serde<VR> aggregateSerde) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(subtractor, "subtractor");
        Objects.requireNonNull(aggregateSerde, "aggregateSerde");
        return aggregation(AggregateKind.AGGREGATE, initializer, adder, subtractor, aggregateSerde);
    }

    private <VR> View<K, VR> aggregation(AggregateKind kind, Supplier<?> initializer, BiFunction<?, ?, ?> adder,
                                       BiFunction<?, ?, ?> subtractor, Serde<?> resultSerde) {
        return new View<>(new Plan.Aggregate(parent, keyOf, keySerde, kind,
                initializer == null ? null : Erase.supplier(initializer),
                adder == null ? null : Erase.biFunction(adder),
                subtractor == null ? null : Erase.biFunction(subtractor),
                resultSerde == null ? null : Erase.serde(resultSerde)));
    }
}
