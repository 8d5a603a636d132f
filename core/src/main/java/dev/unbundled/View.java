package dev.unbundled;

import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.plan.Plan;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;

/**
 * A table: the latest value per key of a query over topics. Every view definition starts here, with
 * {@link #from(Topic)} for a topic read as a table or {@link #events(Topic)} for a stream of facts, and
 * ends with {@link #materialize(String)} (or {@link #materialize(String, History)} to keep its past for
 * {@link ReadOnlyView#getAsOf}).
 *
 * <p>A view means what a database view means: it equals its query evaluated over the latest value per
 * key of every input topic (a null value deletes). Updates and deletes on either side of a join, and
 * rows that move between keys, all propagate.
 *
 * <pre>{@code
 * ViewDefinition<String, OrderNote> notes =
 *     View.from(orders)
 *         .filter((id, order) -> order.quantity() > 0)
 *         .join(View.from(products), Order::productId, OrderNote::new)    // foreign-key join
 *         .materialize("order-notes", Json.serde(OrderNote.class));
 * }</pre>
 *
 * <p>Every step returns a new, immutable view; functions passed in must be free of side effects and must
 * not return null (return an empty value type or filter instead). Where a step changes the value type,
 * give the new type's serde to that step, to {@link #withValueSerde(Serde)} or to
 * {@link #materialize(String, Serde)}: a step that must store or ship values without a serde fails
 * when the view is materialised, naming the step.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class View<K, V> {
    private final Plan plan;

    View(Plan plan) {
        this.plan = plan;
    }

    /**
     * Reads a topic as a table: the latest value per key, where a null value deletes the key.
     *
     * <p>A record whose key or value cannot be deserialised (a poison record) goes to the view's dead-letter
     * topic and is not an update: the key keeps the row it had before, and later records of the key apply
     * as usual. To delete a key, write a null value.
     *
     * @param topic the topic
     * @param <K> the key type
     * @param <V> the value type
     * @return the table
     * @throws NullPointerException if the topic is null
     */
    public static <K, V> View<K, V> from(Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        return new View<>(new Plan.Source(Erase.topic(topic), true));
    }

    /**
     * Reads a topic as a stream of facts. A stream becomes a view through an aggregation
     * ({@code groupBy(...).count()}) or {@link EventStream#latestBy}.
     *
     * @param topic the topic
     * @param <K> the key type
     * @param <V> the value type
     * @return the stream
     * @throws NullPointerException if the topic is null
     */
    public static <K, V> EventStream<K, V> events(Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        return new EventStream<>(new Plan.Source(Erase.topic(topic), false));
    }

    /**
     * Keeps the rows the predicate accepts; a row that stops matching leaves the view.
     *
     * @param predicate tested on each key and latest value
     * @return the filtered view
     * @throws NullPointerException if the predicate is null
     */
    public View<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new View<>(new Plan.Filter(plan, Erase.predicate(predicate)));
    }

    /**
     * Transforms each value, keeping the value serde unknown until given (see {@link #withValueSerde}).
     *
     * @param mapper the transformation
     * @param <VR> the new value type
     * @return the transformed view
     * @throws NullPointerException if the mapper is null
     */
    public <VR> View<K, VR> mapValues(Function<? super V, ? extends VR> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new View<>(new Plan.MapValues(plan, Erase.function(mapper), null));
    }

    /**
     * Transforms each value.
     *
     * @param mapper the transformation
     * @param valueSerde the serde of the new values
     * @param <VR> the new value type
     * @return the transformed view
     * @throws NullPointerException if an argument is null
     */
    public <VR> View<K, VR> mapValues(Function<? super V, ? extends VR> mapper, Serde<VR> valueSerde) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(valueSerde, "valueSerde");
        return new View<>(new Plan.MapValues(plan, Erase.function(mapper), Erase.serde(valueSerde)));
    }

    /**
     * Joins with another table on the same key: a row appears where both tables have the key, and
     * changes when either side changes.
     *
     * @param other the other table, keyed like this one
     * @param joiner combines this table's value with the other's
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined view
     * @throws NullPointerException if an argument is null
     */
    public <VO, VR> View<K, VR> join(View<K, VO> other, BiFunction<? super V, ? super VO, ? extends VR> joiner) {
        return join(other, null, joiner, false);
    }

    /**
     * Joins with another table on the same key, keeping the rows that have no partner: the joiner is
     * then called with a null second argument. A result stored with {@code Json.serde} marks the component
     * that may then be null {@code @Nullable} (or makes it an {@code Optional}), as that serde rejects nulls.
     *
     * @param other the other table, keyed like this one
     * @param joiner combines this table's value with the other's, or with null
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined view
     * @throws NullPointerException if an argument is null
     */
    public <VO, VR> View<K, VR> leftJoin(View<K, VO> other, BiFunction<? super V, ? super VO, ? extends VR> joiner) {
        return join(other, null, joiner, true);
    }

    /**
     * Joins with another table through a foreign key taken from this table's value: each row of this
     * table meets the other table's row whose key is {@code foreignKey(value)}. The result updates when
     * either side changes, so renaming a product changes every order note that refers to it. Rows whose
     * foreign key is null or has no partner are left out.
     *
     * @param other the table the foreign key points into
     * @param foreignKey takes the other table's key from this table's value
     * @param joiner combines this table's value with the other's
     * @param <KO> the other table's key type
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined view, keyed like this one
     * @throws NullPointerException if an argument is null
     */
    public <KO, VO, VR> View<K, VR> join(View<KO, VO> other, Function<? super V, ? extends KO> foreignKey,
                                         BiFunction<? super V, ? super VO, ? extends VR> joiner) {
        Objects.requireNonNull(foreignKey, "foreignKey");
        return join(other, foreignKey, joiner, false);
    }

    /**
     * Joins with another table through a foreign key, keeping the rows that have no partner (or a null
     * foreign key): the joiner is then called with a null second argument. As with the same-key
     * {@code leftJoin}, a result stored with {@code Json.serde} marks its possibly null component {@code @Nullable}.
     *
     * @param other the table the foreign key points into
     * @param foreignKey takes the other table's key from this table's value
     * @param joiner combines this table's value with the other's, or with null
     * @param <KO> the other table's key type
     * @param <VO> the other table's value type
     * @param <VR> the joined value type
     * @return the joined view, keyed like this one
     * @throws NullPointerException if an argument is null
     */
    public <KO, VO, VR> View<K, VR> leftJoin(View<KO, VO> other, Function<? super V, ? extends KO> foreignKey,
                                             BiFunction<? super V, ? super VO, ? extends VR> joiner) {
        Objects.requireNonNull(foreignKey, "foreignKey");
        return join(other, foreignKey, joiner, true);
    }

    private <VR> View<K, VR> join(View<?, ?> other, Function<? super V, ?> foreignKey,
                                  BiFunction<? super V, ?, ? extends VR> joiner, boolean isLeftJoin) {
        Objects.requireNonNull(other, "other");
        Objects.requireNonNull(joiner, "joiner");
        return new View<>(new Plan.Join(plan, other.plan, foreignKey == null ? null : Erase.function(foreignKey),
                Erase.biFunction(joiner), isLeftJoin, null));
    }

    /**
     * Enriches each row, when it arrives, with the row of a global view that {@code keyOf(value)} names.
     * Cheaper than a join, but <b>not re-evaluated when the global view changes</b>: a row keeps the
     * enrichment it got when it last changed. Rows with no partner leave the view. Use
     * {@link #join(View, Function, BiFunction)} where later changes of the other side must show.
     *
     * <p>Other views may read the global view's topic partitioned, but this view may not: a view runs as one
     * Kafka Streams application, which reads a topic either globally or partitioned, so compiling a view that
     * both looks up a global view of a topic and reads that topic fails; join the topic instead.
     *
     * @param global a global view (see {@link ViewDefinition#global()})
     * @param keyOf takes the global view's key from this table's value
     * @param joiner combines this table's value with the global view's
     * @param <KG> the global view's key type
     * @param <VG> the global view's value type
     * @param <VR> the enriched value type
     * @return the enriched view
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code global} is not a global view
     */
    public <KG, VG, VR> View<K, VR> lookup(ViewDefinition<KG, VG> global, Function<? super V, ? extends KG> keyOf,
                                           BiFunction<? super V, ? super VG, ? extends VR> joiner) {
        return new View<>(Erase.lookup(plan, global, keyOf, joiner));
    }

    /**
     * Gives this table a new key taken from its values. A row that moves to another key leaves its old
     * key, and a deleted row leaves the view. Where several rows map to the same key the view keeps the
     * one whose old key sorts first (by serialised bytes); the others take over when it goes. A row whose
     * new key is null is left out of the view (it is not dead-lettered); map it to a real key, such as
     * {@code "none"}, to keep it.
     *
     * @param keyOf computes the new key from a value
     * @param keySerde the serde of the new keys
     * @param <KR> the new key type
     * @return the re-keyed view
     * @throws NullPointerException if an argument is null
     */
    public <KR> View<KR, V> rekey(Function<? super V, ? extends KR> keyOf, Serde<KR> keySerde) {
        Objects.requireNonNull(keyOf, "keyOf");
        Objects.requireNonNull(keySerde, "keySerde");
        return new View<>(new Plan.Rekey(plan, Erase.function(keyOf), Erase.serde(keySerde)));
    }

    /**
     * Groups the rows by a key taken from their values, to be aggregated per group. A row whose group key
     * is null belongs to no group: it is left out of every aggregate (it is not dead-lettered), and a row
     * that changes to a null group key leaves its old group. Map it to a real key to count it.
     *
     * @param keyOf computes the group from a value
     * @param keySerde the serde of the group keys
     * @param <KR> the group key type
     * @return the grouping
     * @throws NullPointerException if an argument is null
     */
    public <KR> GroupedView<KR, V> groupBy(Function<? super V, ? extends KR> keyOf, Serde<KR> keySerde) {
        Objects.requireNonNull(keyOf, "keyOf");
        Objects.requireNonNull(keySerde, "keySerde");
        return new GroupedView<>(plan, Erase.function(keyOf), Erase.serde(keySerde));
    }

    /**
     * Sets the serde of this view's values, for a step that changed the value type without one.
     *
     * @param valueSerde the serde of the values
     * @return this view with its value serde known
     * @throws NullPointerException if the serde is null
     * @throws IllegalStateException if the values come unchanged from a topic, whose serde they keep
     */
    public View<K, V> withValueSerde(Serde<V> valueSerde) {
        Objects.requireNonNull(valueSerde, "valueSerde");
        return new View<>(Erase.withValueSerde(plan, valueSerde));
    }

    /**
     * Names this view and turns it into a definition that can be run and read.
     *
     * @param name the view's name: letters, digits, '_' and '-'; it names the view's store, its
     *     dead-letter topic and every processor and internal topic it needs
     * @return the definition
     * @throws NullPointerException if the name is null
     * @throws IllegalArgumentException if the name is not legal
     * @throws IllegalStateException if a step needs a serde that was not given; the message names it
     */
    public ViewDefinition<K, V> materialize(String name) {
        return DefinitionImpl.of(name, plan);
    }

    /**
     * Names this view, giving the serde of its values, and turns it into a definition.
     *
     * @param name the view's name (see {@link #materialize(String)})
     * @param valueSerde the serde of the view's values
     * @return the definition
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is not legal
     * @throws IllegalStateException if an earlier step needs a serde that was not given, or if the view's
     *     values come unchanged from a topic (through filters and re-keys), whose serde they keep: then call
     *     {@link #materialize(String)}
     */
    public ViewDefinition<K, V> materialize(String name, Serde<V> valueSerde) {
        return withValueSerde(valueSerde).materialize(name);
    }

    /**
     * Names this view and turns it into a definition that also keeps the view's past, so that
     * {@link ReadOnlyView#getAsOf} can read it as of an earlier instant. Any view can keep history, joins
     * and aggregations included: each change of the view is recorded at its record timestamp.
     *
     * <pre>{@code
     * ViewDefinition<String, Long> ordersPerProduct = View.from(orders)
     *     .groupBy(Order::productId, Serdes.String())
     *     .count()
     *     .materialize("orders-per-product", History.retain(Duration.ofDays(30)));
     * }</pre>
     *
     * @param name the view's name (see {@link #materialize(String)})
     * @param history how long to keep the view's versions
     * @return the definition
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is not legal
     * @throws IllegalStateException if a step needs a serde that was not given; the message names it
     */
    public ViewDefinition<K, V> materialize(String name, History history) {
        Objects.requireNonNull(history, "history");
        return DefinitionImpl.of(name, plan, history);
    }

    /**
     * Names this view, giving the serde of its values, and turns it into a definition that keeps the view's
     * past (see {@link #materialize(String, History)}).
     *
     * @param name the view's name (see {@link #materialize(String)})
     * @param valueSerde the serde of the view's values
     * @param history how long to keep the view's versions
     * @return the definition
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is not legal
     * @throws IllegalStateException as {@link #materialize(String, Serde)} does
     */
    public ViewDefinition<K, V> materialize(String name, Serde<V> valueSerde, History history) {
        Objects.requireNonNull(history, "history");
        return withValueSerde(valueSerde).materialize(name, history);
    }

    Plan plan() {
        return plan;
    }

    @Override
    public String toString() {
        return "View[" + plan.operator() + "]";
    }
}
