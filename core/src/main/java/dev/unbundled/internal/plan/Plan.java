package dev.unbundled.internal.plan;

import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;

/**
 * One step of a view's query, as built by the DSL. Plans are immutable trees, erased to
 * {@code Object}: the typed DSL in {@code dev.unbundled} guarantees the types fit.
 *
 * <p>Every step knows the serdes of the rows it produces; a null value serde means the user has not
 * given one yet, which is fine until a step needs to store or ship values.
 */
public sealed interface Plan {

    /** @return true if this step yields a table (latest value per key), false for a stream of facts */
    boolean isTable();

    /** @return the serde of this step's keys, never null */
    Serde<Object> keySerde();

    /** @return the serde of this step's values, or null if not known yet */
    Serde<Object> valueSerde();

    /** @return the short name of the operator, used in derived names and messages */
    String operator();

    /**
     * @param serde the serde of this step's values
     * @return this step with its value serde set, where the step itself knows no serde it could keep
     * @throws IllegalStateException where the values come straight from a topic, whose serde stays
     */
    default Plan withValueSerde(Serde<Object> serde) {
        if (this instanceof Source source) {
            throw new IllegalStateException("the values of topic '" + source.topic().name()
                    + "' already have the topic's serde; leave the serde out");
        } else if (this instanceof Filter filter) {
            return new Filter(filter.parent().withValueSerde(serde), filter.predicate());
        } else if (this instanceof Rekey rekey) {
            return new Rekey(rekey.parent().withValueSerde(serde), rekey.keyOf(), rekey.keySerde());
        } else if (this instanceof MapValues map) {
            return new MapValues(map.parent(), map.mapper(), serde);
        } else if (this instanceof Join join) {
            return new Join(join.left(), join.right(), join.foreignKey(), join.joiner(), join.isLeftJoin(), serde);
        } else if (this instanceof Lookup lookup) {
            return new Lookup(lookup.parent(), lookup.global(), lookup.keyOf(), lookup.joiner(), serde);
        } else {
            Aggregate a = (Aggregate) this;
            return new Aggregate(a.parent(), a.keyOf(), a.keySerde(), a.kind(), a.initializer(), a.adder(),
                    a.subtractor(), serde);
        }
    }

    /** A topic read as a table or as a stream of facts. */
    record Source(Topic<Object, Object> topic, boolean isTable) implements Plan {
        @Override public Serde<Object> keySerde() { return topic.keySerde(); }
        @Override public Serde<Object> valueSerde() { return topic.valueSerde(); }
        @Override public String operator() { return isTable ? "table" : "events"; }
    }

    /** Keeps the rows a predicate accepts. */
    record Filter(Plan parent, BiPredicate<Object, Object> predicate) implements Plan {
        @Override public boolean isTable() { return parent.isTable(); }
        @Override public Serde<Object> keySerde() { return parent.keySerde(); }
        @Override public Serde<Object> valueSerde() { return parent.valueSerde(); }
        @Override public String operator() { return "filter"; }
    }

    /** Transforms each value. */
    record MapValues(Plan parent, Function<Object, Object> mapper, Serde<Object> valueSerde) implements Plan {
        @Override public boolean isTable() { return parent.isTable(); }
        @Override public Serde<Object> keySerde() { return parent.keySerde(); }
        @Override public String operator() { return "map-values"; }
    }

    /** A table-table join, on the same key or, with a foreign-key extractor, on a key taken from the value. */
    record Join(Plan left, Plan right, Function<Object, Object> foreignKey, BiFunction<Object, Object, Object> joiner,
                boolean isLeftJoin, Serde<Object> valueSerde) implements Plan {
        @Override public boolean isTable() { return true; }
        @Override public Serde<Object> keySerde() { return left.keySerde(); }
        @Override public String operator() {
            return (isLeftJoin ? "left-" : "") + (foreignKey == null ? "join" : "fk-join");
        }
    }

    /** Enrichment at arrival time against a global view. */
    record Lookup(Plan parent, ViewDefinition<Object, Object> global, Function<Object, Object> keyOf,
                  BiFunction<Object, Object, Object> joiner, Serde<Object> valueSerde) implements Plan {
        @Override public boolean isTable() { return parent.isTable(); }
        @Override public Serde<Object> keySerde() { return parent.keySerde(); }
        @Override public String operator() { return "lookup"; }
    }

    /** Re-keys a table; rows that collide on the new key are all kept, the first by source key wins. */
    record Rekey(Plan parent, Function<Object, Object> keyOf, Serde<Object> keySerde) implements Plan {
        @Override public boolean isTable() { return true; }
        @Override public Serde<Object> valueSerde() { return parent.valueSerde(); }
        @Override public String operator() { return "rekey"; }
    }

    /** The aggregations a grouping can end in. */
    enum AggregateKind { COUNT, REDUCE, AGGREGATE, LATEST }

    /**
     * Groups a table or stream by a key taken from the value and aggregates each group. On a table the
     * subtractor retracts a row's old contribution; a group whose last row left is deleted.
     */
    record Aggregate(Plan parent, Function<Object, Object> keyOf, Serde<Object> keySerde, AggregateKind kind,
                     Supplier<Object> initializer, BiFunction<Object, Object, Object> adder,
                     BiFunction<Object, Object, Object> subtractor, Serde<Object> valueSerde) implements Plan {
        @Override public boolean isTable() { return true; }
        @Override public String operator() { return kind.name().toLowerCase(java.util.Locale.ROOT); }
    }
}
