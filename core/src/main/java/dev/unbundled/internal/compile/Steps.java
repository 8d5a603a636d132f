package dev.unbundled.internal.compile;

import dev.unbundled.internal.compile.Aggregates.Candidates;
import dev.unbundled.internal.compile.Aggregates.Counted;
import dev.unbundled.internal.compile.Aggregates.Tagged;
import dev.unbundled.internal.plan.Plan.Aggregate;
import dev.unbundled.internal.plan.Plan.AggregateKind;
import dev.unbundled.internal.plan.Plan;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Compiles the steps of view plans (filters, mappings, joins, look-ups, re-keys and aggregations) to Kafka
 * Streams operators, each named after its view and its position in the view's plan.
 */
final class Steps {
    private final Sources sources;
    private final StoreRouting routing;
    /** The global views' tables, by view name, for look-ups. */
    private final Map<String, GlobalKTable<Object, Object>> globals;
    /** Same-key joins that must keep their result in a named store; compared by identity, as plans are values. */
    private final Set<Plan> keptJoins = Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * The copies of source tables that the side of a same-key join being compiled reads instead of the shared
     * tables, by topic; empty outside such a side.
     */
    private final Map<String, KTable<Object, Object>> sideTables = new HashMap<>();

    Steps(Sources sources, StoreRouting routing, Map<String, GlobalKTable<Object, Object>> globals) {
        this.sources = sources;
        this.routing = routing;
        this.globals = globals;
    }

    /**
     * Compiles a view that is more than its source table.
     *
     * @param view the view's name
     * @param plan the view's plan
     * @param terminal the view's own store
     * @return the view as a table, materialised in {@code terminal}
     */
    KTable<Object, Object> view(String view, Plan plan, Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        markKeptJoins(plan, false);
        return table(plan, new Names(view), terminal);
    }

    /**
     * Compiles a table-valued step. {@code terminal} materialises the step as the view's store when
     * the step is the view itself; otherwise the step carries only its serdes.
     */
    private KTable<Object, Object> table(Plan plan, Names names,
                                         Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        if (plan instanceof Plan.Source source) {
            KTable<Object, Object> copy = sideTables.get(source.topic().name());
            return copy != null ? copy : sources.table(source);
        } else if (plan instanceof Plan.Filter filter) {
            KTable<Object, Object> parent = table(filter.parent(), names, null);
            return parent.filter(filter.predicate()::test, names.named(filter), orCarry(terminal, plan));
        } else if (plan instanceof Plan.MapValues map) {
            KTable<Object, Object> parent = table(map.parent(), names, null);
            return parent.mapValues(map.mapper()::apply, names.named(map), orCarry(terminal, plan));
        } else if (plan instanceof Plan.Join join) {
            return join(join, names, terminal);
        } else if (plan instanceof Plan.Lookup lookup) {
            return lookupTable(lookup, names, terminal);
        } else if (plan instanceof Plan.Rekey rekey) {
            return rekey(rekey, names, terminal);
        } else {
            Aggregate aggregate = (Aggregate) plan;
            return aggregate.parent().isTable() ? aggregateTable(aggregate, names, terminal)
                    : aggregateStream(aggregate, names, terminal);
        }
    }

    private KStream<Object, Object> stream(Plan plan, Names names) {
        if (plan instanceof Plan.Source source) {
            return sources.events(source);
        } else if (plan instanceof Plan.Filter filter) {
            return stream(filter.parent(), names).filter(filter.predicate()::test, names.named(filter));
        } else if (plan instanceof Plan.MapValues map) {
            return stream(map.parent(), names).mapValues(map.mapper()::apply, names.named(map));
        } else {
            Plan.Lookup lookup = (Plan.Lookup) plan;
            KStream<Object, Object> parent = stream(lookup.parent(), names);
            return parent.join(globals.get(lookup.global().name()),
                    (key, value) -> lookup.keyOf().apply(value),
                    (value, found) -> lookup.joiner().apply(value, found), names.named(lookup));
        }
    }

    private KTable<Object, Object> join(Plan.Join join, Names names,
                                        Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        Map<String, Plan.Source> shared = join.foreignKey() == null ? SameTable.shared(join.left(), join.right()) : Map.of();
        KTable<Object, Object> left = side(join.left(), shared, names);
        KTable<Object, Object> right = side(join.right(), shared, names);
        String name = names.next(join);
        // a foreign-key join keeps its result in a store whether asked to or not, and so does a same-key join
        // under a step that needs its old values (a grouping, a re-key, another join): name it, or Kafka Streams will
        boolean stored = join.foreignKey() != null || keptJoins.contains(join);
        BiFunction<Object, Object, Object> joiner = join.joiner();
        if (join.foreignKey() == null && terminal == null && !stored) {
            // no Materialized at all: Kafka Streams stores a same-key join under a generated name whenever it is
            // given one, even one that only carries serdes; the steps above this one carry their own serdes
            return join.isLeftJoin()
                    ? left.leftJoin(right, joiner::apply, Named.as(name))
                    : left.join(right, joiner::apply, Named.as(name));
        }
        Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> result = terminal != null ? terminal
                : routing.materialized(name + "-result", join.keySerde(), join.valueSerde());
        if (join.foreignKey() == null) {
            return join.isLeftJoin()
                    ? left.leftJoin(right, joiner::apply, Named.as(name), result)
                    : left.join(right, joiner::apply, Named.as(name), result);
        }
        // Kafka Streams' inner foreign-key join answers an update that keeps its foreign key (or an insert) only
        // if the foreign row exists, and drops as stale the answer to an update that a newer one overtook: the
        // newer update's missing answer then leaves the old result in place for good. Its left join answers
        // every update, so an inner join is a left join whose result without a partner is a delete.
        BiFunction<Object, Object, Object> partnered = join.isLeftJoin() ? joiner
                : (row, partner) -> row == null || partner == null ? null : joiner.apply(row, partner);
        return left.leftJoin(right, join.foreignKey(), partnered::apply, TableJoined.as(name), result);
    }

    /**
     * Compiles one side of a same-key join. Where both sides read one topic's table, a source record changes
     * both sides at once, and Kafka Streams would join each side's change with the other side's new value:
     * a delete finds no partner on either side and is lost, and old values are joined with new ones. Each
     * side then reads the topic through a copy of its own, which changes only as that side's change reaches
     * the join, so the join sees the two changes one after the other.
     *
     * @param shared the source tables both sides read, by topic
     */
    private KTable<Object, Object> side(Plan side, Map<String, Plan.Source> shared, Names names) {
        if (shared.isEmpty()) {
            return table(side, names, null);
        }
        Map<String, KTable<Object, Object>> outer = new HashMap<>(sideTables);
        shared.forEach((topic, source) -> {
            KTable<Object, Object> table = outer.containsKey(topic) ? outer.get(topic) : sources.table(source);
            String copy = names.sideTable();
            sideTables.put(topic, table.mapValues(value -> value, Named.as(copy),
                    routing.materialized(copy, source.keySerde(), source.valueSerde())));
        });
        try {
            return table(side, names, null);
        } finally {
            sideTables.clear();
            sideTables.putAll(outer);
        }
    }

    private KTable<Object, Object> lookupTable(Plan.Lookup lookup, Names names,
                                               Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        KTable<Object, Object> parent = table(lookup.parent(), names, null);
        String name = names.next(lookup);
        String globalStore = lookup.global().name();
        return parent.toStream(Named.as(name + "-changes"))
                .processValues(() -> new LookupProcessor(globalStore, lookup.keyOf(), lookup.joiner()), Named.as(name))
                .toTable(Named.as(name + "-table"),
                        terminal != null ? terminal : routing.materialized(name, lookup.keySerde(), lookup.valueSerde()));
    }

    private KTable<Object, Object> rekey(Plan.Rekey rekey, Names names,
                                         Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        Plan parentPlan = rekey.parent();
        KTable<Object, Object> parent = table(parentPlan, names, null);
        String name = names.next(rekey);
        Serializer<Object> oldKeys = parentPlan.keySerde().serializer();
        Serde<Object> tagged = erase(Aggregates.taggedSerde(parentPlan.valueSerde()));
        Serde<Object> candidates = erase(Aggregates.candidatesSerde(parentPlan.valueSerde()));
        return parent
                .groupBy((key, value) -> KeyValue.pair(rekey.keyOf().apply(value),
                                (Object) new Tagged(Bytes.wrap(oldKeys.serialize(null, key)), value)),
                        Grouped.with(name, rekey.keySerde(), tagged))
                .aggregate(() -> Candidates.EMPTY,
                        (key, row, all) -> ((Candidates) all).with((Tagged) row),
                        (key, row, all) -> ((Candidates) all).without((Tagged) row),
                        Named.as(name + "-candidates"), routing.materialized(name + "-candidates", rekey.keySerde(), candidates))
                .filter((key, all) -> !((Candidates) all).rows().isEmpty(), Named.as(name + "-non-empty"))
                .mapValues(all -> ((Candidates) all).first(), Named.as(name + "-first"), orCarry(terminal, rekey));
    }

    private KTable<Object, Object> aggregateTable(Aggregate aggregate, Names names,
                                                  Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        Plan parentPlan = aggregate.parent();
        KTable<Object, Object> parent = table(parentPlan, names, null);
        String name = names.next(aggregate);
        var grouped = parent.groupBy((key, value) -> KeyValue.pair(aggregate.keyOf().apply(value), value),
                Grouped.with(name + "-by", aggregate.keySerde(), parentPlan.valueSerde()));
        if (aggregate.kind() == AggregateKind.COUNT) {
            // a count that falls to zero turns into a delete, so one store holds the view's counts
            return grouped.aggregate(() -> 0L, (key, row, count) -> (Long) count + 1,
                    (key, row, count) -> (Long) count > 1 ? (Long) count - 1 : null, Named.as(name),
                    terminal != null ? terminal : routing.materialized(name, aggregate.keySerde(), erase(Serdes.Long())));
        }
        BiFunction<Object, Object, Object> adder = aggregate.adder();
        BiFunction<Object, Object, Object> subtractor = aggregate.subtractor();
        BiFunction<Object, Object, Object> start = aggregate.kind() == AggregateKind.REDUCE
                ? (agg, row) -> agg == null ? row : adder.apply(agg, row)
                : (agg, row) -> adder.apply(agg == null ? aggregate.initializer().get() : agg, row);
        Serde<Object> counted = erase(Aggregates.countedSerde(aggregate.valueSerde()));
        // a group's last row leaving turns into a delete; as the view itself, the store of counted aggregates
        // is the view's store (its reads unwrap them), so that every update is stored and logged once
        KTable<Object, Object> aggregates = grouped.aggregate(() -> Counted.EMPTY,
                (key, row, agg) -> ((Counted) agg).add(row, start),
                (key, row, agg) -> ((Counted) agg).remove(row, subtractor),
                Named.as(name), routing.materialized(terminal != null ? names.view() : name, aggregate.keySerde(), counted));
        return terminal != null ? aggregates
                : aggregates.mapValues(agg -> ((Counted) agg).value(), Named.as(name + "-value"), orCarry(null, aggregate));
    }

    private KTable<Object, Object> aggregateStream(Aggregate aggregate, Names names,
                                                   Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        Plan parentPlan = aggregate.parent();
        KStream<Object, Object> parent = stream(parentPlan, names);
        String name = names.next(aggregate);
        KGroupedStream<Object, Object> grouped = parent.groupBy((key, value) -> aggregate.keyOf().apply(value),
                Grouped.with(name + "-by", aggregate.keySerde(), parentPlan.valueSerde()));
        Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> store =
                terminal != null ? terminal : routing.materialized(name, aggregate.keySerde(), aggregate.valueSerde());
        switch (aggregate.kind()) {
            case COUNT:
                Materialized<Object, Long, KeyValueStore<Bytes, byte[]>> counts = erase(store);
                return erase(grouped.count(Named.as(name), counts));
            case REDUCE:
                return grouped.reduce(aggregate.adder()::apply, Named.as(name), store);
            case LATEST:
                return grouped.reduce((older, newer) -> newer, Named.as(name), store);
            default:
                return grouped.aggregate(aggregate.initializer()::get,
                        (key, row, agg) -> aggregate.adder().apply(agg, row), Named.as(name), store);
        }
    }

    /**
     * Finds the same-key joins whose results a later step reads with their old values, through filters and
     * value mappings: Kafka Streams then materialises the join, and the store must have a name.
     *
     * @param needsOldValues whether the step reading {@code plan} needs old values
     */
    private void markKeptJoins(Plan plan, boolean needsOldValues) {
        if (plan instanceof Plan.Filter filter) {
            markKeptJoins(filter.parent(), needsOldValues);
        } else if (plan instanceof Plan.MapValues map) {
            markKeptJoins(map.parent(), needsOldValues);
        } else if (plan instanceof Plan.Lookup lookup) {
            markKeptJoins(lookup.parent(), needsOldValues);
        } else if (plan instanceof Plan.Join join) {
            if (needsOldValues && join.foreignKey() == null) {
                keptJoins.add(join);
            }
            markKeptJoins(join.left(), true);
            markKeptJoins(join.right(), true);
        } else if (plan instanceof Plan.Rekey rekey) {
            markKeptJoins(rekey.parent(), true);
        } else if (plan instanceof Aggregate aggregate) {
            markKeptJoins(aggregate.parent(), true);
        }
    }

    private static Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> orCarry(
            Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal, Plan plan) {
        // An unnamed Materialized stores nothing; it only tells Kafka Streams the step's serdes.
        return terminal != null ? terminal : Materialized.with(plan.keySerde(), plan.valueSerde());
    }

    @SuppressWarnings("unchecked")
    private static <T> T erase(Object value) {
        return (T) value;
    }

    /** Hands out the names of one view's steps: {@code <view>.<operator>-<position>}. */
    private static final class Names {
        private final String view;
        private int position;
        private int sideTables;

        Names(String view) {
            this.view = view;
        }

        String view() {
            return view;
        }

        String next(Plan step) {
            return view + "." + step.operator() + "-" + ++position;
        }

        Named named(Plan step) {
            return Named.as(next(step));
        }

        /** @return the name of the next copy of a source table read by one side of a same-key join */
        String sideTable() {
            return view + ".join-side-table-" + ++sideTables;
        }
    }
}
