package dev.unbundled.internal;

import dev.unbundled.ViewStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * Decides the store type of every store from the view it belongs to: every store is named after its view
 * ({@code <view>} or {@code <view>.<step>...}), and a store that belongs to no view (a shared source
 * table) gets the runtime's default. The compiler applies it to every store it names; the few stores
 * Kafka Streams creates inside an operator on its own follow the default ({@code dsl.store.suppliers.class}).
 */
public final class StoreRouting {
    /** The config key under which the routing reaches the compiler. */
    public static final String CONFIG = "unbundled.store.routing";

    private final ViewStore defaultStore;
    private final Map<String, ViewStore> byView;
    private final List<String> viewsLongestFirst;

    /**
     * @param defaultStore the store of views that choose none, and of shared source tables
     * @param definitions the views, with their choices
     */
    public StoreRouting(ViewStore defaultStore, List<? extends DefinitionImpl<?, ?>> definitions) {
        this.defaultStore = Objects.requireNonNull(defaultStore, "defaultStore");
        Map<String, ViewStore> choices = new LinkedHashMap<>();
        definitions.forEach(d -> choose(d, choices));
        this.byView = Map.copyOf(choices);
        this.viewsLongestFirst = choices.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    private void choose(DefinitionImpl<?, ?> definition, Map<String, ViewStore> choices) {
        choices.putIfAbsent(definition.name(), definition.store() != null ? definition.store() : defaultStore);
        lookups(definition.plan(), choices);
    }

    private void lookups(Plan plan, Map<String, ViewStore> choices) {
        Plans.children(plan).forEach(child -> lookups(child, choices));
        if (plan instanceof Plan.Lookup lookup) {
            choose(lookup.global(), choices);
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
     * @return the suppliers of the store's view's choice, or of the default for a shared store
     */
    public DslStoreSuppliers suppliersFor(String store) {
        String view = viewOf(store);
        return (view == null ? defaultStore : storeOf(view)).suppliers();
    }

}
