package dev.unbundled.internal.compile;

import dev.unbundled.ViewIndex;
import dev.unbundled.internal.plan.Plan;
import dev.unbundled.internal.plan.Plans;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.InMemoryKeyValueStore;

/**
 * Compiles view definitions to one Kafka Streams topology. Each topic becomes one source shared by
 * every view that reads it; every processor, store and internal topic is named after its view and its
 * position in the view's plan, so the same definitions always compile to the same names.
 */
public final class Compiler {
    private final StreamsBuilder builder;
    private final StoreRouting routing;
    private final Sources sources;
    private final Steps steps;
    private final Map<String, GlobalKTable<Object, Object>> globals = new HashMap<>();
    private final Map<String, String> storeNames = new LinkedHashMap<>();
    private final Map<String, String> historyStores = new LinkedHashMap<>();
    private final Changes changes = new Changes();
    private final RecordLimits limits;
    private final TopicRestores restores = new TopicRestores();

    private Compiler(Properties config) {
        // the builder must see the config: explicit-naming enforcement and the store type are read from it
        Properties topology = new Properties();
        topology.put(StreamsConfig.APPLICATION_ID_CONFIG, "unbundled-compiler");
        topology.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        topology.putAll(config);
        this.builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(topology)));
        this.routing = (StoreRouting) config.get(StoreRouting.CONFIG);
        this.limits = RecordLimits.of(config);
        routing.limitRows(limits);
        this.sources = new Sources(builder, routing, limits, restores);
        this.steps = new Steps(sources, routing, globals);
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

    /**
     * Checks views that will each be compiled on its own as the set they are: as if compiled together, no two
     * different views may share a name, and every view (and every global view they look up) must describe
     * each topic with the same serdes, since one log has one format.
     *
     * @param definitions the views, run side by side
     * @throws IllegalArgumentException if two different views share a name or a topic is read with different
     *     serdes, naming the view and the fix
     */
    public static void requireConsistent(Collection<? extends DefinitionImpl<?, ?>> definitions) {
        Map<String, DefinitionImpl<Object, Object>> all = new LinkedHashMap<>();
        for (DefinitionImpl<?, ?> definition : definitions) {
            register(DefinitionImpl.erase(definition), all, true);
        }
        Sources.requireSameSerdes(all.values());
    }

    private CompiledViews run(Collection<? extends DefinitionImpl<?, ?>> definitions, Properties config) {
        Map<String, DefinitionImpl<Object, Object>> all = new LinkedHashMap<>();
        for (DefinitionImpl<?, ?> definition : definitions) {
            register(DefinitionImpl.erase(definition), all, true);
        }
        for (DefinitionImpl<Object, Object> definition : all.values()) {
            sources.collect(definition.name(), definition.plan(), definition);
        }
        for (DefinitionImpl<Object, Object> definition : all.values()) {
            if (!definition.isGlobal()) {
                changes.oldValues().viewStore(viewStore(definition),
                        definition.keepsDecodedRows() ? RowDecoder.of(definition) : null);
            }
        }
        routing.captureOldValues(changes.oldValues());
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
        CompiledViews compiled = new CompiledViews(topology, Collections.unmodifiableMap(new LinkedHashMap<>(all)),
                Map.copyOf(storeNames), Map.copyOf(historyStores), sources.viewsByTopic(), Map.copyOf(internalTopics),
                positions, changes, limits, restores);
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
            if (sources.isInput(topic)) {
                continue;
            }
            views.stream().filter(view -> topic.startsWith(view + "."))
                    .max(Comparator.comparingInt(String::length))
                    .ifPresent(view -> internalTopics.computeIfAbsent(view, v -> new TreeSet<>()).add(topic));
        }
    }

    private static void register(DefinitionImpl<Object, Object> definition,
                                 Map<String, DefinitionImpl<Object, Object>> all, boolean explicit) {
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

    private static void lookups(Plan plan, Map<String, DefinitionImpl<Object, Object>> all) {
        for (Plan child : Plans.children(plan)) {
            lookups(child, all);
        }
        if (plan instanceof Plan.Lookup lookup) {
            register(DefinitionImpl.erase(lookup.global()), all, false);
        }
    }

    private void globalTable(DefinitionImpl<Object, Object> definition) {
        globals.put(definition.name(), sources.globalTable(definition));
        storeNames.put(definition.name(), definition.name());
    }

    /** @return the store that holds a view: its source's table, or a store named after it */
    private String viewStore(DefinitionImpl<Object, Object> definition) {
        return definition.plan() instanceof Plan.Source source ? sources.tableStoreName(source) : definition.name();
    }

    private void compileView(DefinitionImpl<Object, Object> definition) {
        Plan plan = definition.plan();
        KTable<Object, Object> view = plan instanceof Plan.Source source ? sources.table(source)
                : steps.view(definition.name(), plan,
                        routing.materialized(definition.name(), plan.keySerde(), plan.valueSerde()));
        storeNames.put(definition.name(), viewStore(definition));
        KStream<Object, Object> stored = view.toStream(Named.as(definition.name() + ".changes-stream"));
        KStream<Object, Object> updates = definition.storesCounted()
                ? stored.mapValues(StoredValues::unwrap, Named.as(definition.name() + ".changes-values")) : stored;
        definition.history().ifPresent(history -> history(definition, updates, history.retention()));
        // the tap sees each update after the view's store (and history) has it; subscriptions hang off it
        String store = storeNames.get(definition.name());
        updates.process(changes.tap(definition.name(), store, OldValues.Decoder.of(definition)),
                Named.as(definition.name() + ".changes"), store);
        definition.indexes().forEach(index -> index(definition, updates, index));
    }

    /** Keeps one index of a view in a store of its own, of the view's store choice, written by the view's task. */
    private void index(DefinitionImpl<Object, Object> definition, KStream<Object, Object> updates,
                       ViewIndex<?, ?> index) {
        String store = definition.indexStore(index.name());
        // in memory, a row store in place of Kafka Streams' own, whose scans copy every key of their range first
        DslStoreSuppliers suppliers = new WrappingSuppliers(routing.suppliersFor(store),
                inner -> inner instanceof InMemoryKeyValueStore ? new RowStore(inner.name()) : inner);
        builder.addStateStore(Stores.keyValueStoreBuilder(suppliers
                .keyValueStore(new DslKeyValueParams(store, DslStoreFormat.PLAIN)), Serdes.Bytes(), Serdes.ByteArray()));
        Serializer<Object> viewKeys = definition.keySerde().serializer();
        LiveStores live = changes.stores(definition.name());
        updates.process(() -> new IndexWriter(definition.name(), store, index, viewKeys, live), Named.as(store + "-writer"),
                store);
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
}
