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
 * Events grouped by a key taken from their values, made by {@link EventStream#groupBy}. Each
 * aggregation folds every event of a group, in arrival order, into one row of a view.
 *
 * <pre>{@code
 * View<String, Long> playsPerSong = View.events(plays).groupBy(Play::songId, Serdes.String()).count();
 * }</pre>
 *
 * @param <K> the group key type
 * @param <V> the event value type
 */
public final class GroupedEvents<K, V> {
    private final Plan parent;
    private final Function<Object, Object> keyOf;
    private final Serde<Object> keySerde;

    GroupedEvents(Plan parent, Function<Object, Object> keyOf, Serde<Object> keySerde) {
        this.parent = parent;
        this.keyOf = keyOf;
        this.keySerde = keySerde;
    }

    /** @return a view of the number of events in each group */
    public View<K, Long> count() {
        return aggregation(AggregateKind.COUNT, null, null, Serdes.Long());
    }

    /**
     * Combines the events of each group.
     *
     * @param reducer folds the next event's value into the group's value
     * @return a view of each group's combined value
     * @throws NullPointerException if the reducer is null
     */
    public View<K, V> reduce(BiFunction<? super V, ? super V, ? extends V> reducer) {
        Objects.requireNonNull(reducer, "reducer");
        return aggregation(AggregateKind.REDUCE, null, reducer, parent.valueSerde());
    }

    /**
     * Aggregates the events of each group into a value of another type. The adder must return a new
     * aggregate rather than change the one it is given.
     *
     * @param initializer the aggregate of a group before its first event
     * @param adder folds the next event's value into the aggregate
     * @param aggregateSerde the serde of the aggregates
     * @param <VR> the aggregate type
     * @return a view of each group's aggregate
     * @throws NullPointerException if an argument is null
     */
    public <VR> View<K, VR> aggregate(Supplier<? extends VR> initializer,
                                      BiFunction<? super VR, ? super V, ? extends VR> adder, Serde<VR> aggregateSerde) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(aggregateSerde, "aggregateSerde");
        return aggregation(AggregateKind.AGGREGATE, initializer, adder, aggregateSerde);
    }

    private <VR> View<K, VR> aggregation(AggregateKind kind, Supplier<?> initializer, BiFunction<?, ?, ?> adder,
                                       Serde<?> resultSerde) {
        return new View<>(new Plan.Aggregate(parent, keyOf, keySerde, kind,
                initializer == null ? null : Erase.supplier(initializer),
                adder == null ? null : Erase.biFunction(adder), null,
                resultSerde == null ? null : Erase.serde(resultSerde)));
    }
}
