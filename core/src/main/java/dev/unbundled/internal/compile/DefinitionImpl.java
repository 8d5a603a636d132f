package dev.unbundled.internal.compile;

import dev.unbundled.History;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewIndex;
import dev.unbundled.ViewStore;
import dev.unbundled.internal.plan.Plan;
import dev.unbundled.internal.plan.Plans;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.Topology;

/**
 * The one implementation of {@link ViewDefinition}: a name and a plan.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class DefinitionImpl<K, V> implements ViewDefinition<K, V> {
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,180}");

    private final String name;
    private final Plan plan;
    private final boolean isGlobal;
    private final ViewStore store;
    private final History history;
    private final String version;
    private final List<ViewIndex<?, ? super V>> indexes;
    private final boolean readCache;
    private volatile Fingerprint fingerprint;

    private DefinitionImpl(String name, Plan plan, boolean isGlobal, ViewStore store, History history,
                           String version) {
        this(name, plan, isGlobal, store, history, version, List.of(), true);
    }

    private DefinitionImpl(String name, Plan plan, boolean isGlobal, ViewStore store, History history,
                           String version, List<ViewIndex<?, ? super V>> indexes, boolean readCache) {
        this.name = name;
        this.plan = plan;
        this.isGlobal = isGlobal;
        this.store = store;
        this.history = history;
        this.version = version;
        this.indexes = indexes;
        this.readCache = readCache;
    }

    /**
     * Names a plan, checking the name and the serdes the plan needs.
     *
     * @param name the view's name
     * @param plan the view's query
     * @param <K> the key type
     * @param <V> the value type
     * @return the definition
     */
    public static <K, V> ViewDefinition<K, V> of(String name, Plan plan) {
        return of(name, plan, null);
    }

    /**
     * Names a plan whose view keeps its past, checking the name and the serdes the plan needs.
     *
     * @param name the view's name
     * @param plan the view's query
     * @param history how long to keep the view's versions, or null to keep none
     * @param <K> the key type
     * @param <V> the value type
     * @return the definition
     */
    public static <K, V> ViewDefinition<K, V> of(String name, Plan plan, History history) {
        Objects.requireNonNull(name, "name");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals("source")) {
            throw new IllegalArgumentException("'" + name + "' is not a legal view name: use 1 to 180 letters,"
                    + " digits, '_' and '-' (it names stores and topics), and not the reserved word 'source'");
        }
        Plans.requireSerdes(name, plan);
        return new DefinitionImpl<>(name, plan, false, null, history, "");
    }

    /**
     * @param definition a definition the DSL made: every {@link ViewDefinition} is one
     * @return it, with its types erased, as the compiler handles every view
     */
    @SuppressWarnings("unchecked")
    static DefinitionImpl<Object, Object> erase(ViewDefinition<?, ?> definition) {
        return (DefinitionImpl<Object, Object>) definition;
    }

    /** @return the view's query */
    public Plan plan() {
        return plan;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Serde<K> keySerde() {
        return (Serde<K>) plan.keySerde();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Serde<V> valueSerde() {
        return (Serde<V>) plan.valueSerde();
    }

    @Override
    public boolean isGlobal() {
        return isGlobal;
    }

    /**
     * @return whether the view's store keeps counted aggregates rather than the view's values: the view is
     *     a table aggregation ({@code reduce} or {@code aggregate}), whose groups know their row count
     */
    public boolean storesCounted() {
        return plan instanceof Plan.Aggregate aggregate && aggregate.parent().isTable()
                && aggregate.kind() != Plan.AggregateKind.COUNT;
    }

    @Override
    public ViewDefinition<K, V> global() {
        if (!(plan instanceof Plan.Source source) || !source.isTable()) {
            throw new IllegalStateException("View '" + name + "' cannot be global: a global view is a topic read"
                    + " as a table, unchanged (View.from(topic).materialize(name).global()); filter or map where"
                    + " you read it instead");
        }
        if (history != null) {
            throw new IllegalStateException("View '" + name + "' keeps history (" + history + ") and cannot be"
                    + " global: Kafka Streams keeps no versions of a global table. Materialise it without History to"
                    + " make it global, or keep the history in a partitioned view over the same topic");
        }
        if (!indexes.isEmpty()) {
            throw new IllegalStateException("View '" + name + "' has indexes " + indexNames() + " and cannot be"
                    + " global: indexes are kept by partitioned views. Keep the index on a partitioned view of the same topic");
        }
        return isGlobal ? this : new DefinitionImpl<>(name, plan, true, store, null, version, indexes, readCache);
    }

    @Override
    public ViewDefinition<K, V> withStore(ViewStore store) {
        Objects.requireNonNull(store, "store");
        return new DefinitionImpl<>(name, plan, isGlobal, store, history, version, indexes, readCache);
    }

    @Override
    public ViewDefinition<K, V> withIndex(ViewIndex<?, ? super V> index) {
        Objects.requireNonNull(index, () -> "View '" + name + "': index must not be null");
        if (isGlobal) {
            throw new IllegalStateException("View '" + name + "' is global and cannot keep an index: indexes are"
                    + " kept by partitioned views. Keep the index on a partitioned view of the same topic");
        }
        if (index(index.name()).isPresent()) {
            throw new IllegalArgumentException("View '" + name + "' already has an index named '" + index.name()
                    + "'; give each index of a view its own name");
        }
        List<ViewIndex<?, ? super V>> more = new ArrayList<>(indexes);
        more.add(index);
        return new DefinitionImpl<K, V>(name, plan, isGlobal, store, history, version, List.copyOf(more), readCache);
    }

    @Override
    public ViewDefinition<K, V> withReadCache(boolean keepDecoded) {
        return new DefinitionImpl<>(name, plan, isGlobal, store, history, version, indexes, keepDecoded);
    }

    /** @return the view's indexes, in the order declared */
    public List<ViewIndex<?, ? super V>> indexes() {
        return indexes;
    }

    /** @return the view's index of that name, if it has one */
    public Optional<ViewIndex<?, ? super V>> index(String indexName) {
        return indexes.stream().filter(index -> index.name().equals(indexName)).findFirst();
    }

    private List<String> indexNames() {
        return indexes.stream().map(ViewIndex::name).toList();
    }

    /** @return the name of the store that keeps an index of this view, which the view's store choice covers */
    public String indexStore(String indexName) {
        return name + ".index." + indexName;
    }

    /** @return whether the view keeps its rows decoded where its store is in memory */
    public boolean keepsDecodedRows() {
        return readCache;
    }

    /** @return the view's own store choice, or null for the runtime's default */
    public ViewStore store() {
        return store;
    }

    @Override
    public Optional<History> history() {
        return Optional.ofNullable(history);
    }

    @Override
    public Topology topology() {
        List<DefinitionImpl<?, ?>> alone = List.of(this);
        return Compiler.compile(alone, StreamsDefaults.topologyConfig(new StoreRouting(ViewStore.inMemory(), alone)))
                .topology();
    }

    @Override
    public String describe() {
        return topology().describe().toString();
    }

    @Override
    public ViewDefinition<K, V> version(String version) {
        Objects.requireNonNull(version, "version");
        return new DefinitionImpl<>(name, plan, isGlobal, store, history, version, indexes, readCache);
    }

    /** @return the version the user pinned, or the empty string */
    public String pinnedVersion() {
        return version;
    }

    @Override
    public String fingerprint() {
        return identity().hex();
    }

    /** @return the view's fingerprint with what it could not read, computed once */
    public Fingerprint identity() {
        Fingerprint known = fingerprint;
        if (known == null) {
            known = Fingerprint.of(this);
            fingerprint = known;
        }
        return known;
    }

    @Override
    public String toString() {
        return "ViewDefinition[" + name + (isGlobal ? ", global" : "") + (store != null ? ", " + store : "")
                + (history != null ? ", " + history : "") + (version.isEmpty() ? "" : ", version " + version)
                + (indexes.isEmpty() ? "" : ", indexes " + indexNames()) + (readCache ? "" : ", no read cache") + "]";
    }
}
