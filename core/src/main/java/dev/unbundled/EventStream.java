package dev.unbundled;

import dev.unbundled.internal.plan.Plan.AggregateKind;
import dev.unbundled.internal.plan.Plan;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic read as a stream of facts, made by {@link View#events(Topic)}. Each record is an event, not
 * the latest state of its key; a stream becomes a view through {@link #groupBy} and an aggregation, or
 * through {@link #latestBy}. Records with a null value are not events and are skipped by aggregations.
 *
 * <pre>{@code
 * View<String, Long> playsPerSong =
 *     View.events(plays).groupBy(Play::songId, Serdes.String()).count();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EventStream<K, V> {
    private final Plan plan;

    EventStream(Plan plan) {
        this.plan = plan;
    }

    /**
     * Keeps the events the predicate accepts.
     *
     * @param predicate tested on each key and value
     * @return the filtered stream
     * @throws NullPointerException if the predicate is null
     */
    public EventStream<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new EventStream<>(new Plan.Filter(plan, Erase.predicate(predicate)));
    }

    /**
     * Transforms each event's value.
     *
     * @param mapper the transformation
     * @param <VR> the new value type
     * @return the transformed stream
     * @throws NullPointerException if the mapper is null
     */
    public <VR> EventStream<K, VR> mapValues(Function<? super V, ? extends VR> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new EventStream<>(new Plan.MapValues(plan, Erase.function(mapper), null));
    }

    /**
     * Transforms each event's value.
     *
     * @param mapper the transformation
     * @param valueSerde the serde of the new values
     * @param <VR> the new value type
     * @return the transformed stream
     * @throws NullPointerException if an argument is null
     */
    public <VR> EventStream<K, VR> mapValues(Function<? super V, ? extends VR> mapper, Serde<VR> valueSerde) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(valueSerde, "valueSerde");
        return new EventStream<>(new Plan.MapValues(plan, Erase.function(mapper), Erase.serde(valueSerde)));
    }

    /**
     * Enriches each event, as it arrives, with the row of a global view that {@code keyOf(value)} names;
     * events with no partner are dropped. A view that looks up a global view of a topic cannot also read that
     * topic (see {@link View#lookup}).
     *
     * @param global a global view (see {@link ViewDefinition#global()})
     * @param keyOf takes the global view's key from the event's value
     * @param joiner combines the event's value with the global view's
     * @param <KG> the global view's key type
     * @param <VG> the global view's value type
     * @param <VR> the enriched value type
     * @return the enriched stream
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code global} is not a global view
     */
    public <KG, VG, VR> EventStream<K, VR> lookup(ViewDefinition<KG, VG> global,
                                                  Function<? super V, ? extends KG> keyOf,
                                                  BiFunction<? super V, ? super VG, ? extends VR> joiner) {
        return new EventStream<>(Erase.lookup(plan, global, keyOf, joiner));
    }

    /**
     * Groups the events by a key taken from their values, to be aggregated per group. An event whose group
     * key is null belongs to no group and is skipped (it is not dead-lettered).
     *
     * @param keyOf computes the group from a value
     * @param keySerde the serde of the group keys
     * @param <KR> the group key type
     * @return the grouping
     * @throws NullPointerException if an argument is null
     */
    public <KR> GroupedEvents<KR, V> groupBy(Function<? super V, ? extends KR> keyOf, Serde<KR> keySerde) {
        Objects.requireNonNull(keyOf, "keyOf");
        Objects.requireNonNull(keySerde, "keySerde");
        return new GroupedEvents<>(plan, Erase.function(keyOf), Erase.serde(keySerde));
    }

    /**
     * A view of the latest event per key taken from the events' values. An event whose key is null is
     * skipped (it is not dead-lettered).
     *
     * @param keyOf computes the view's key from a value
     * @param keySerde the serde of the view's keys
     * @param <KR> the view's key type
     * @return the view of latest events
     * @throws NullPointerException if an argument is null
     */
    public <KR> View<KR, V> latestBy(Function<? super V, ? extends KR> keyOf, Serde<KR> keySerde) {
        Objects.requireNonNull(keyOf, "keyOf");
        Objects.requireNonNull(keySerde, "keySerde");
        return new View<>(new Plan.Aggregate(plan, Erase.function(keyOf), Erase.serde(keySerde), AggregateKind.LATEST,
                null, null, null, plan.valueSerde()));
    }

    /**
     * Sets the serde of the events' values, for a step that changed the value type without one.
     *
     * @param valueSerde the serde of the values
     * @return this stream with its value serde known
     * @throws NullPointerException if the serde is null
     */
    public EventStream<K, V> withValueSerde(Serde<V> valueSerde) {
        Objects.requireNonNull(valueSerde, "valueSerde");
        return new EventStream<>(Erase.withValueSerde(plan, valueSerde));
    }

    @Override
    public String toString() {
        return "EventStream[" + plan.operator() + "]";
    }
}
