package dev.unbundled.internal.compile;

import dev.unbundled.internal.plan.Plans;
import dev.unbundled.internal.plan.Plan;
import dev.unbundled.Topic;
import dev.unbundled.internal.compile.Aggregates.Candidates;
import dev.unbundled.internal.compile.Aggregates.Counted;
import dev.unbundled.internal.compile.Aggregates.Tagged;
import dev.unbundled.internal.plan.Plan.Aggregate;
import dev.unbundled.internal.plan.Plan.AggregateKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Compiles view definitions to one Kafka Streams topology. Each topic becomes one source shared by
 * every view that reads it; every processor, store and internal topic is named after its view and its
 * position in the view's plan, so the same definitions always compile to the same names.
 */
public final class Compiler {
    private final StreamsBuilder builder;
    private final StoreRouting routing;
    private final Map<String, TopicUse> topics = new LinkedHashMap<>();
    private final Map<String, KTable<Object, Object>> tables = new HashMap<>();
    private final Map<String, KStream<Object, Object>> streams = new HashMap<>();
    private final Map<String, KStream<Object, Object>> events = new HashMap<>();
    private final Map<String, GlobalKTable<Object, Object>> globals = new HashMap<>();
    private final Map<String, String> storeNames = new LinkedHashMap<>();
    private final Map<String, String> historyStores = new LinkedHashMap<>();
    private final Changes changes = new Changes();
    /** Same-key joins that must keep their result in a named store; compared by identity, as plans are values. */
    private final Set<Plan> keptJoins = Collections.newSetFromMap(new IdentityHashMap<>());

    private Compiler(Properties config) {
        // the builder must see the config: explicit-naming enforcement and the store type are read from it
        Properties topology = new Properties();
        topology.put(StreamsConfig.APPLICATION_ID_CONFIG, "unbundled-compiler");
        topology.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        topology.putAll(config);
        this.builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(topology)));
        this.routing = (StoreRouting) config.get(StoreRouting.CONFIG);
    }

    /**
     * Compiles definitions, with the global views they look up, to one topology.
     *
     * @param definitions the views to run together
     * @param config the Streams configuration the topology will run with (for its optimisations)
     * @return the topology and what the runtime needs to know about it
     * @throws IllegalArgumentException if two views share a name or a topic is read with different serdes
     */
    public static CompiledViews compile(Collection<? extends DefinitionImpl<?, ?>> definitions, Properties config) {
        return new Compiler(config).run(definitions, config);
    }

    /** How the views of one topology use one topic. */
    private static final class TopicUse {
        final Topic<Object, Object> topic;
        boolean asTable;
        boolean asStream;
        String globalView;
        String bareView;
        final List<String> views = new ArrayList<>();

        TopicUse(Topic<Object, Object> topic) {
            this.topic = topic;
        }

        String sourceName() {
            return "source." + topic.name();
        }

        String tableStoreName() {
            return bareView != null ? bareView : StoreRouting.tableStore(topic.name());
        }
    }

    private CompiledViews run(Collection<? extends DefinitionImpl<?, ?>> definitions, Properties config) {
        Map<String, DefinitionImpl<Object, Object>> all = new LinkedHashMap<>();
        for (DefinitionImpl<?, ?> definition : definitions) {
            register(DefinitionImpl.erase(definition), all, true);
        }
        for (DefinitionImpl<Object, Object> definition : all.values()) {
            collectTopics(definition.name(), definition.plan(), definition);
        }
        for (DefinitionImpl<Object, Object> definition : all.values()) {
            if (definition.isGlobal()) {
                globalTable(definition);
            }
        }
        for (DefinitionImpl<Object, Object> definition : all.values()) {
            if (!definition.isGlobal()) {
                compileView(definition);
            }
        }
        Topology topology = builder.build(config);
        Positions positions = new Positions();
        Map<String, Set<String>> internalTopics = new TreeMap<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    // added after build, so it is the source's last child: it sees a record once the views have
                    topology.addProcessor(source.name() + ".position", positions.tracker(), source.name());
                    internalTopicsOf(source, all.keySet(), internalTopics);
                }
            }
        }
        Map<String, List<String>> viewsByTopic = new LinkedHashMap<>();
        topics.forEach((name, use) -> viewsByTopic.put(name, List.copyOf(use.views)));
        CompiledViews compiled = new CompiledViews(topology, Map.copyOf(all), Map.copyOf(storeNames),
                Map.copyOf(historyStores), viewsByTopic, Map.copyOf(internalTopics), positions, changes);
        Map<String, Set<String>> inputs = new ConcurrentHashMap<>();
        changes.inputTopics(view -> inputs.computeIfAbsent(view, compiled::inputTopics));
        return compiled;
    }

    /**
     * Files the internal topics a source reads (repartition and foreign-key join topics) under the view
     * they belong to: their names start with the view's, as every name the compiler gives does.
     */
    private void internalTopicsOf(TopologyDescription.Source source, Set<String> views,
                                  Map<String, Set<String>> internalTopics) {
        for (String topic : source.topicSet()) {
            if (topics.containsKey(topic)) {
                continue;
            }
            views.stream().filter(view -> topic.startsWith(view + "."))
                    .max(Comparator.comparingInt(String::length))
                    .ifPresent(view -> internalTopics.computeIfAbsent(view, v -> new TreeSet<>()).add(topic));
        }
    }

    private void register(DefinitionImpl<Object, Object> definition, Map<String, DefinitionImpl<Object, Object>> all,
                          boolean explicit) {
        DefinitionImpl<Object, Object> known = all.get(definition.name());
        if (known != null) {
            if (known == definition || !explicit && known.equals(definition)) {
                return;
            }
            throw new IllegalArgumentException("Two different views are named '" + definition.name()
                    + "'; give each view its own name in materialize(name)");
        }
        all.put(definition.name(), definition);
        lookups(definition.plan(), all);
    }

    private void lookups(Plan plan, Map<String, DefinitionImpl<Object, Object>> all) {
        for (Plan child : Plans.children(plan)) {
            lookups(child, all);
        }
        if (plan instanceof Plan.Lookup lookup) {
            register(lookup.global(), all, false);
        }
    }

    private void collectTopics(String view, Plan plan, DefinitionImpl<Object, Object> definition) {
        for (Plan child : Plans.children(plan)) {
            collectTopics(view, child, definition);
        }
        if (plan instanceof Plan.Source source) {
            Topic<Object, Object> topic = source.topic();
            TopicUse use = topics.computeIfAbsent(topic.name(), name -> new TopicUse(topic));
            if (use.topic != topic && (!sameSerde(use.topic.keySerde(), topic.keySerde())
                    || !sameSerde(use.topic.valueSerde(), topic.valueSerde()))) {
                throw new IllegalArgumentException("View '" + view + "' reads topic '" + topic.name()
                        + "' with other serdes than another view does; describe each topic once with Topic.of"
                        + " and share that value");
            }
            if (!use.views.contains(view)) {
                use.views.add(view);
            }
            if (definition.isGlobal()) {
                use.globalView = view;
            } else if (source.isTable()) {
                use.asTable = true;
                if (plan == definition.plan() && use.bareView == null) {
                    use.bareView = view;
                }
            } else {
                use.asStream = true;
            }
            if (use.globalView != null && (use.asTable || use.asStream)) {
                throw new IllegalArgumentException("Topic '" + topic.name() + "' feeds the global view '"
                        + use.globalView + "' and also view '" + (use.globalView.equals(view) ? use.views.get(0) : view)
                        + "'; Kafka Streams reads a topic either globally or partitioned, not both. Read the"
                        + " global view with lookup(), or make the other view read the topic non-globally only");
            }
        }
    }

    /**
     * Serdes are the same when they are one object, say they are equal, or are of one class that keeps no
     * state worth comparing (it does not override equals, as {@code Serdes.String()} does not).
     */
    private static boolean sameSerde(Serde<?> one, Serde<?> other) {
        if (one == other || one.equals(other)) {
            return true;
        }
        if (one.getClass() != other.getClass()) {
            return false;
        }
        try {
            return one.getClass().getMethod("equals", Object.class).getDeclaringClass() == Object.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError("every class has equals(Object)", e);
        }
    }

    private void globalTable(DefinitionImpl<Object, Object> definition) {
        Topic<Object, Object> topic = ((Plan.Source) definition.plan()).topic();
        GlobalKTable<Object, Object> table = builder.globalTable(topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde()).withName(topics.get(topic.name()).sourceName()),
                materialized(definition.name(), topic.keySerde(), topic.valueSerde()));
        globals.put(definition.name(), table);
        storeNames.put(definition.name(), definition.name());
    }

    private void compileView(DefinitionImpl<Object, Object> definition) {
        Names names = new Names(definition.name());
        Plan plan = definition.plan();
        markKeptJoins(plan, false);
        KTable<Object, Object> view;
        if (plan instanceof Plan.Source source) {
            view = table(source);
            storeNames.put(definition.name(), topics.get(source.topic().name()).tableStoreName());
        } else {
            view = table(plan, names, materialized(definition.name(), plan.keySerde(), plan.valueSerde()));
            storeNames.put(definition.name(), definition.name());
        }
        KStream<Object, Object> stored = view.toStream(Named.as(definition.name() + ".changes-stream"));
        KStream<Object, Object> updates = definition.storesCounted()
                ? stored.mapValues(StoredValues::unwrap, Named.as(definition.name() + ".changes-values")) : stored;
        definition.history().ifPresent(history -> history(definition, updates, history.retention()));
        // the tap sees each update after the view's store (and history) has it; subscriptions hang off it
        String store = storeNames.get(definition.name());
        updates.process(changes.tap(definition.name(), store), Named.as(definition.name() + ".changes"), store);
    }

    /**
     * Keeps a view's versions in a versioned store of their own, fed by the view's changes. The view's own
     * store stays as it is, so every plain read (scans included) works as before and answers the latest
     * value by arrival; only {@code getAsOf} reads the history. Kafka Streams' one versioned store is on
     * RocksDB, whatever the view's store choice.
     */
    private void history(DefinitionImpl<Object, Object> definition, KStream<Object, Object> updates,
                         Duration retention) {
        String store = definition.name() + ".history";
        builder.addStateStore(Stores.versionedKeyValueStoreBuilder(
                Stores.persistentVersionedKeyValueStore(store, retention), definition.keySerde(), definition.valueSerde()));
        updates.process(() -> new HistoryWriter(store), Named.as(store + "-writer"), store);
        historyStores.put(definition.name(), store);
    }

    private KTable<Object, Object> table(Plan.Source source) {
        TopicUse use = topics.get(source.topic().name());
        return tables.computeIfAbsent(use.topic.name(), name -> {
            Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> store =
                    materialized(use.tableStoreName(), use.topic.keySerde(), use.topic.valueSerde());
            if (use.asStream) {
                return stream(source).toTable(Named.as(use.sourceName() + ".table"), store);
            }
            return builder.table(name, consumed(use), store);
        });
    }

    private KStream<Object, Object> stream(Plan.Source source) {
        TopicUse use = topics.get(source.topic().name());
        return streams.computeIfAbsent(use.topic.name(), name -> builder.stream(name, consumed(use)));
    }

    /** A topic's events: its records less the null values, which are deletes, not facts. */
    private KStream<Object, Object> events(Plan.Source source) {
        TopicUse use = topics.get(source.topic().name());
        return events.computeIfAbsent(use.topic.name(),
                name -> stream(source).filter((key, value) -> value != null, Named.as(use.sourceName() + ".events")));
    }

    private static Consumed<Object, Object> consumed(TopicUse use) {
        return Consumed.with(use.topic.keySerde(), use.topic.valueSerde()).withName(use.sourceName());
    }

    /**
     * Compiles a table-valued step. {@code terminal} materialises the step as the view's store when
     * the step is the view itself; otherwise the step carries only its serdes.
     */
    private KTable<Object, Object> table(Plan plan, Names names,
                                         Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        if (plan instanceof Plan.Source source) {
            return table(source);
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
            return events(source);
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
        KTable<Object, Object> left = table(join.left(), names, null);
        KTable<Object, Object> right = table(join.right(), names, null);
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
                : materialized(name + "-result", join.keySerde(), join.valueSerde());
        if (join.foreignKey() == null) {
            return join.isLeftJoin()
                    ? left.leftJoin(right, joiner::apply, Named.as(name), result)
                    : left.join(right, joiner::apply, Named.as(name), result);
        }
        TableJoined<Object, Object> joined = TableJoined.as(name);
        return join.isLeftJoin()
                ? left.leftJoin(right, join.foreignKey(), joiner::apply, joined, result)
                : left.join(right, join.foreignKey(), joiner::apply, joined, result);
    }

    private KTable<Object, Object> lookupTable(Plan.Lookup lookup, Names names,
                                               Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> terminal) {
        KTable<Object, Object> parent = table(lookup.parent(), names, null);
        String name = names.next(lookup);
        String globalStore = lookup.global().name();
        return parent.toStream(Named.as(name + "-changes"))
                .processValues(() -> new LookupProcessor(globalStore, lookup.keyOf(), lookup.joiner()), Named.as(name))
                .toTable(Named.as(name + "-table"),
                        terminal != null ? terminal : materialized(name, lookup.keySerde(), lookup.valueSerde()));
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
                        Named.as(name + "-candidates"), materialized(name + "-candidates", rekey.keySerde(), candidates))
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
                    terminal != null ? terminal : materialized(name, aggregate.keySerde(), erase(Serdes.Long())));
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
                Named.as(name), materialized(terminal != null ? names.view() : name, aggregate.keySerde(), counted));
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
                terminal != null ? terminal : materialized(name, aggregate.keySerde(), aggregate.valueSerde());
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

    private Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> materialized(
            String storeName, Serde<Object> keySerde, Serde<Object> valueSerde) {
        return Materialized.<Object, Object, KeyValueStore<Bytes, byte[]>>as(storeName)
                .withKeySerde(keySerde).withValueSerde(valueSerde).withStoreType(routing.suppliersFor(storeName));
    }

    @SuppressWarnings("unchecked")
    private static <T> T erase(Object value) {
        return (T) value;
    }

    /** Hands out the names of one view's steps: {@code <view>.<operator>-<position>}. */
    private static final class Names {
        private final String view;
        private int position;

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
    }
}
