package dev.unbundled.internal.compile;

import dev.unbundled.ViewStore;
import dev.unbundled.internal.plan.Plan;
import dev.unbundled.internal.plan.Plans;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides the store type of every store by its name. A store named after a view ({@code <view>} or
 * {@code <view>.<step>...}, which covers the stores Kafka Streams names from a step's name, such as a
 * foreign-key join's subscription store) gets that view's choice. A source table ({@code <topic>.table}, or
 * the store of a view that is its topic's table as it is) is one store for every view that reads the topic
 * as a table, so it gets the strongest of their choices: any store on disk beats memory, and a durable one
 * beats one that wipes its state on start (see {@link #sharedChoice}). Anything else gets the runtime's
 * default. The compiler applies it to the stores it names, {@link RoutedStoreSuppliers} to the rest.
 */
public final class StoreRouting {
    /** The config key under which the routing reaches the compiler. */
    public static final String CONFIG = "unbundled.store.routing";

    private final ViewStore defaultStore;
    private final Map<String, ViewStore> byView;
    private final List<String> viewsLongestFirst;
    /** The store of each source table, by store name: {@code <topic>.table} and the views that are a bare table. */
    private final Map<String, ViewStore> tables;
    /** Where views' own stores keep their old values; none until the compiler says. */
    private volatile OldValues oldValues;
    /** The most bytes a stored row may take, or 0 before the compiler has said; see {@link #limitRows}. */
    private volatile int rowBytes;

    /**
     * @param defaultStore the store of views that choose none, and of stores that belong to no view
     * @param definitions the views, with their choices
     */
    public StoreRouting(ViewStore defaultStore, List<? extends DefinitionImpl<?, ?>> definitions) {
        this.defaultStore = Objects.requireNonNull(defaultStore, "defaultStore");
        Map<String, ViewStore> choices = new LinkedHashMap<>();
        definitions.forEach(d -> choose(d, choices));
        this.byView = Map.copyOf(choices);
        this.viewsLongestFirst = choices.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        this.tables = Map.copyOf(tables(definitions));
    }

    /**
     * @param topic an input topic
     * @return the name of the store that holds the topic as a table for every view that reads it so, unless
     *     a view is that table as it is (the store then has the view's name)
     */
    public static String tableStore(String topic) {
        return topic + ".table";
    }

    private Map<String, ViewStore> tables(List<? extends DefinitionImpl<?, ?>> definitions) {
        Map<String, List<ViewStore>> readers = new LinkedHashMap<>();
        Map<String, List<String>> storeNames = new LinkedHashMap<>();
        for (DefinitionImpl<?, ?> definition : definitions) {
            if (definition.isGlobal()) {
                continue;   // a global view's store is its own, named after it
            }
            ViewStore choice = storeOf(definition.name());
            for (String topic : tableTopics(definition.plan(), new LinkedHashSet<>())) {
                readers.computeIfAbsent(topic, t -> new ArrayList<>()).add(choice);
                storeNames.computeIfAbsent(topic, t -> new ArrayList<>(List.of(tableStore(t))));
            }
            if (definition.plan() instanceof Plan.Source source && source.isTable()) {
                // the compiler names the table after the first view that is the bare table; naming them all is harmless
                storeNames.get(source.topic().name()).add(definition.name());
            }
        }
        Map<String, ViewStore> byStore = new LinkedHashMap<>();
        readers.forEach((topic, choices) -> {
            ViewStore shared = sharedChoice(choices);
            storeNames.get(topic).forEach(store -> byStore.put(store, shared));
        });
        return byStore;
    }

    private static Set<String> tableTopics(Plan plan, Set<String> topics) {
        Plans.children(plan).forEach(child -> tableTopics(child, topics));
        if (plan instanceof Plan.Source source && source.isTable()) {
            topics.add(source.topic().name());
        }
        return topics;
    }

    /**
     * The choice of a source table several views read: the table holds the whole topic, so a view that put
     * its rows on disk did so for a store as large as this one, and a durable view resumes only if its source
     * table resumes too. An ephemeral reader loses nothing by a durable table: its own stores still rebuild.
     *
     * @param choices the choices of the views reading the table, in the order the views were given
     * @return the first choice on disk that keeps its state, else the first on disk, else the first
     */
    static ViewStore sharedChoice(List<ViewStore> choices) {
        ViewStore strongest = choices.get(0);
        for (ViewStore choice : choices) {
            if (strength(choice) > strength(strongest)) {
                strongest = choice;
            }
        }
        return strongest;
    }

    private static int strength(ViewStore store) {
        return (store.equals(ViewStore.inMemory()) ? 0 : 2) + (store.wipesLocalStateOnStart() ? 0 : 1);
    }

    private void choose(DefinitionImpl<?, ?> definition, Map<String, ViewStore> choices) {
        choices.putIfAbsent(definition.name(), definition.store() != null ? definition.store() : defaultStore);
        lookups(definition.plan(), choices);
    }

    private void lookups(Plan plan, Map<String, ViewStore> choices) {
        Plans.children(plan).forEach(child -> lookups(child, choices));
        if (plan instanceof Plan.Lookup lookup) {
            choose(DefinitionImpl.erase(lookup.global()), choices);
        }
    }

    /** @return the store of views that choose none */
    public ViewStore defaultStore() {
        return defaultStore;
    }

    /**
     * @param view a view's name
     * @return the view's store
     */
    public ViewStore storeOf(String view) {
        return byView.getOrDefault(view, defaultStore);
    }

    /** @return every store choice in use */
    public List<ViewStore> choices() {
        List<ViewStore> all = new ArrayList<>(new LinkedHashSet<>(byView.values()));
        if (!all.contains(defaultStore)) {
            all.add(defaultStore);
        }
        return all;
    }

    /**
     * @return the Kafka Streams settings every store choice in use asks for
     * @throws IllegalStateException if two choices ask for different values of one setting (two memory budgets)
     */
    public Map<String, Object> streamsConfig() {
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, ViewStore> askedBy = new LinkedHashMap<>();
        for (ViewStore store : choices()) {
            store.streamsConfig().forEach((key, value) -> {
                Object known = merged.putIfAbsent(key, value);
                if (known != null && !known.equals(value)) {
                    throw new IllegalStateException("Two store choices of one runtime disagree on " + key + ": "
                            + askedBy.get(key) + " and " + store + "; give every view the same store settings");
                }
                askedBy.putIfAbsent(key, store);
            });
        }
        return merged;
    }

    /**
     * @param store a store's name
     * @return the store choice that holds it: its view's, the shared choice of a source table, or the default
     */
    public ViewStore storeFor(String store) {
        ViewStore table = tables.get(store);
        if (table != null) {
            return table;
        }
        String view = viewOf(store);
        return view == null ? defaultStore : storeOf(view);
    }

    /**
     * @param store a store's name
     * @return the view the store belongs to, or null for a store shared between views
     */
    public String viewOf(String store) {
        for (String view : viewsLongestFirst) {
            if (store.equals(view) || store.startsWith(view + ".")) {
                return view;
            }
        }
        return null;
    }

    /**
     * @param store a store's name
     * @return the suppliers of the store's choice ({@link #storeFor(String)})
     */
    public DslStoreSuppliers suppliersFor(String store) {
        return storeFor(store).suppliers();
    }

    /**
     * @param storeName the store's name
     * @param keySerde its key serde
     * @param valueSerde its value serde
     * @return how a step is materialised in the named store, of the type its view chose
     */
    Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> materialized(String storeName, Serde<Object> keySerde,
                                                                          Serde<Object> valueSerde) {
        Serde<Object> values = rowBytes > 0 ? RowSizeCheck.values(storeName, valueSerde, rowBytes) : valueSerde;
        DslStoreSuppliers suppliers = oldValues == null ? suppliersFor(storeName)
                : oldValues.wrap(storeName, suppliersFor(storeName), storeFor(storeName).readCacheBytes());
        return Materialized.<Object, Object, KeyValueStore<Bytes, byte[]>>as(storeName)
                .withKeySerde(keySerde).withValueSerde(values).withStoreType(suppliers);
    }

    /**
     * Makes every store materialised from now on refuse a row too large for its changelog, before the store
     * takes it: the compiler calls this before it materialises anything.
     *
     * @param limits how large a record the views can write
     */
    void limitRows(RecordLimits limits) {
        this.rowBytes = limits.rowBytes();
    }

    /**
     * Makes the views' own stores materialised from now on keep the old values of their changes, for the
     * views' change subscriptions: the compiler calls this before it materialises anything.
     *
     * @param oldValues the views' own stores and what their writes replaced
     */
    void captureOldValues(OldValues oldValues) {
        this.oldValues = oldValues;
    }
}
