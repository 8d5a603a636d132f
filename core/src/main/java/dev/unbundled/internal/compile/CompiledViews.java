package dev.unbundled.internal.compile;

import dev.unbundled.internal.plan.Plan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The result of compiling views: the topology, the definitions it runs (including the global views
 * they look up), the store behind each view, and which views read which topic.
 *
 * @param topology the Kafka Streams topology
 * @param definitions every view in the topology, by name, in registration order (the global views they look up
 *     after the view that first looks each up)
 * @param storeNames the store each view reads from, by view name
 * @param historyStores the versioned store of each view that keeps history, by view name
 * @param viewsByTopic the views that read each input topic
 * @param internalTopics the internal topics each view's records cross on their way to its store
 *     (repartition and foreign-key join topics), by view name, without the application id prefix
 * @param positions how far each input partition has been processed
 * @param changes the change taps of the views, for subscriptions
 * @param limits how large a record the views can write
 * @param restores how source tables restore from their topics, and what they do with records nobody read
 */
public record CompiledViews(Topology topology, Map<String, DefinitionImpl<Object, Object>> definitions,
                            Map<String, String> storeNames, Map<String, String> historyStores,
                            Map<String, List<String>> viewsByTopic,
                            Map<String, Set<String>> internalTopics,
                            Positions positions,
                            Changes changes,
                            RecordLimits limits,
                            TopicRestores restores) {

    /**
     * @param view a view's name
     * @param fix what to do when the view is not here, for the message
     * @return the definition of the view
     * @throws IllegalArgumentException if the topology has no such view
     */
    public DefinitionImpl<Object, Object> definition(String view, String fix) {
        DefinitionImpl<Object, Object> definition = definitions.get(view);
        if (definition == null) {
            throw new IllegalArgumentException("View '" + view + "' is not part of this " + fix + ". Known views: "
                    + definitions.keySet());
        }
        return definition;
    }

    /**
     * @param view a view's name
     * @return the name of the versioned store that keeps the view's history
     * @throws UnsupportedOperationException if the view keeps no history, naming the view and the fix
     */
    public String historyStore(String view) {
        String store = historyStores.get(view);
        if (store == null) {
            throw new UnsupportedOperationException("View '" + view + "' keeps no history, so it cannot answer"
                    + " getAsOf(); materialise it with a history, e.g. materialize(\"" + view
                    + "\", History.retain(Duration.ofDays(7))), or read its latest value with get(key)");
        }
        return store;
    }

    /**
     * @param view a view's name
     * @return whether the view is its input topic's table as it is, alone in the topology: its one store is
     *     the table, whose changelog is the topic, so the view can be loaded as a restore of the topic
     */
    public boolean loadsFromTopics(String view) {
        DefinitionImpl<Object, Object> definition = definition(view, "topology");
        // a bulk load restores the table's store alone: a view with indexes builds them by reading its topic
        return definitions.size() == 1 && !definition.isGlobal() && definition.history().isEmpty()
                && definition.indexes().isEmpty()
                && definition.plan() instanceof dev.unbundled.internal.plan.Plan.Source source && source.isTable();
    }

    /**
     * @param view a view's name
     * @return the partitioned (not global) topics the view reads, in a stable order
     */
    public java.util.Set<String> inputTopics(String view) {
        java.util.Set<String> global = globalTopics();
        java.util.Set<String> topics = new java.util.TreeSet<>();
        viewsByTopic.forEach((topic, readers) -> {
            if (readers.contains(view) && !global.contains(topic)) {
                topics.add(topic);
            }
        });
        return topics;
    }

    /**
     * @param view a view's name
     * @param store the view's store, as Kafka Streams hands it out
     * @return the store as the view's reads see it: for a view that keeps counted aggregates, their values
     */
    public ReadOnlyKeyValueStore<Object, Object> readable(String view, ReadOnlyKeyValueStore<Object, Object> store) {
        return definition(view, "topology").storesCounted() ? StoredValues.unwrapping(store) : store;
    }

    /**
     * @param view a view's name
     * @return the internal topics between the view's inputs and its store, without the application id
     *     prefix; empty for a view that does not re-partition
     */
    public Set<String> internalTopics(String view) {
        return internalTopics.getOrDefault(view, Set.of());
    }

    /**
     * Checks that a freshness token names only topics the view reads.
     *
     * @param view a view's name
     * @param freshness the token
     * @throws IllegalArgumentException naming the view and the topic it does not read
     */
    public void requireReadsAll(String view, dev.unbundled.Freshness freshness) {
        java.util.Set<String> topics = inputTopics(view);
        freshness.offsets().keySet().forEach(partition -> {
            if (!topics.contains(partition.topic())) {
                throw new IllegalArgumentException("View '" + view + "' does not read topic '" + partition.topic()
                        + "' (it reads " + topics + (globalTopics().contains(partition.topic())
                        ? "; global views do not track freshness" : "") + "); pass only tokens of writes to its topics");
            }
        });
    }

    /** @return the input topics of the global views */
    public java.util.Set<String> globalTopics() {
        java.util.Set<String> topics = new java.util.TreeSet<>();
        definitions.values().stream().filter(DefinitionImpl::isGlobal)
                .forEach(d -> topics.add(((Plan.Source) d.plan()).topic().name()));
        return topics;
    }
}
