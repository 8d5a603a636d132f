package dev.unbundled.internal.compile;

import dev.unbundled.Topic;
import dev.unbundled.internal.plan.Plan;
import dev.unbundled.internal.plan.Plans;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The input topics of one topology: each topic becomes one source, and at most one table and one stream of
 * events, shared by every view that reads it. Every record is checked as it is read ({@link InputCheck}): a
 * null key where a table needs one, or a record too large to write, is a dead letter before any view uses it.
 */
final class Sources {
    private final StreamsBuilder builder;
    private final StoreRouting routing;
    private final RecordLimits limits;
    private final TopicRestores restores;
    private final Map<String, TopicUse> topics = new LinkedHashMap<>();
    private final Map<String, KTable<Object, Object>> tables = new HashMap<>();
    private final Map<String, KStream<Object, Object>> streams = new HashMap<>();
    private final Map<String, KStream<Object, Object>> events = new HashMap<>();
    /** The records of a topic read both as a table and as events that the table may take: those with a key. */
    private final Map<String, KStream<Object, Object>> keyed = new HashMap<>();
    /** The views that look up a global view of each topic, by topic name. */
    private final Map<String, List<String>> lookups = new HashMap<>();

    Sources(StreamsBuilder builder, StoreRouting routing, RecordLimits limits, TopicRestores restores) {
        this.builder = builder;
        this.routing = routing;
        this.limits = limits;
        this.restores = restores;
    }

    /** How the views of one topology use one topic. */
    private static final class TopicUse {
        final Topic<Object, Object> topic;
        boolean asTable;
        boolean asStream;
        String globalView;
        String bareView;
        final List<String> views = new ArrayList<>();
        final List<String> tableViews = new ArrayList<>();
        final List<String> partitionedViews = new ArrayList<>();
        private InputCheck check;

        TopicUse(Topic<Object, Object> topic) {
            this.topic = topic;
        }

        /** @return the checks on the topic's records, made once every view has been collected */
        InputCheck check(RecordLimits limits) {
            if (check == null) {
                boolean global = globalView != null;
                check = new InputCheck(topic.name(), views, global ? views : tableViews, global || !asStream,
                        global ? 0 : limits.rowBytes());
            }
            return check;
        }

        String sourceName() {
            return "source." + topic.name();
        }

        String tableStoreName() {
            return bareView != null ? bareView : StoreRouting.tableStore(topic.name());
        }
    }

    /**
     * Notes how a view reads each topic of a plan, before anything is built.
     *
     * @throws IllegalArgumentException if the view reads a topic with other serdes than another view, or
     *     reads a topic partitioned that a global view it looks up reads globally (or, compiled together,
     *     another view reads globally)
     */
    void collect(String view, Plan plan, DefinitionImpl<Object, Object> definition) {
        if (plan == definition.plan()) {
            noteLookups(view, plan);
        }
        for (Plan child : Plans.children(plan)) {
            collect(view, child, definition);
        }
        if (plan instanceof Plan.Source source) {
            TopicUse use = use(view, source.topic());
            if (definition.isGlobal()) {
                use.globalView = view;
            } else {
                if (source.isTable()) {
                    use.asTable = true;
                    if (!use.tableViews.contains(view)) {
                        use.tableViews.add(view);
                    }
                    if (plan == definition.plan() && use.bareView == null) {
                        use.bareView = view;
                    }
                } else {
                    use.asStream = true;
                }
                if (!use.partitionedViews.contains(view)) {
                    use.partitionedViews.add(view);
                }
            }
            if (use.globalView != null && !use.partitionedViews.isEmpty()) {
                throw readBothWays(use);
            }
        }
    }

    private void noteLookups(String view, Plan plan) {
        Plans.children(plan).forEach(child -> noteLookups(view, child));
        if (plan instanceof Plan.Lookup lookup) {
            String topic = ((Plan.Source) DefinitionImpl.erase(lookup.global()).plan()).topic().name();
            lookups.computeIfAbsent(topic, t -> new ArrayList<>()).add(view);
        }
    }

    /**
     * Kafka Streams reads a topic either globally or partitioned within one application. Each view runs as
     * an application of its own, so the pair cannot be split only when it is one view: a lookup of a global
     * view of the topic and a partitioned read of that same topic.
     */
    private IllegalArgumentException readBothWays(TopicUse use) {
        String topic = use.topic.name();
        List<String> lookingUp = lookups.getOrDefault(topic, List.of());
        String both = use.partitionedViews.stream().filter(lookingUp::contains).findFirst().orElse(null);
        String foreignKeyJoin = "join(View.from(" + topic + "), keyOf, joiner)";
        if (both != null) {
            return new IllegalArgumentException("View '" + both + "' looks up the global view '" + use.globalView
                    + "' of topic '" + topic + "' and also reads topic '" + topic + "' partitioned; a view runs as"
                    + " one Kafka Streams application, which reads a topic either globally or partitioned, not both."
                    + " Enrich with a foreign-key join, " + foreignKeyJoin + ", instead of lookup(): it also follows"
                    + " later changes of the looked-up rows");
        }
        return new IllegalArgumentException("Topic '" + topic + "' feeds the global view '" + use.globalView
                + "' and also the partitioned view '" + use.partitionedViews.get(0) + "' compiled into one topology;"
                + " Kafka Streams reads a topic either globally or partitioned within one application, not both. Run"
                + " the global view and the views that look it up in a second ViewRuntime with its own applicationId,"
                + " or enrich with a foreign-key join, " + foreignKeyJoin + ", instead of lookup(): it also follows"
                + " later changes of the looked-up rows");
    }

    /**
     * Checks that views compiled apart describe each topic they read as one topology would require: with the
     * same serdes.
     *
     * @param definitions the views, with the global views they look up
     * @throws IllegalArgumentException naming the first view that reads a topic with other serdes
     */
    static void requireSameSerdes(Collection<DefinitionImpl<Object, Object>> definitions) {
        Sources topics = new Sources(null, null, null, null);
        definitions.forEach(definition -> topics.noteTopics(definition.name(), definition.plan()));
    }

    private void noteTopics(String view, Plan plan) {
        Plans.children(plan).forEach(child -> noteTopics(view, child));
        if (plan instanceof Plan.Source source) {
            use(view, source.topic());
        }
    }

    private TopicUse use(String view, Topic<Object, Object> topic) {
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
        return use;
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

    /** @return the views that read each input topic, in the order they were collected */
    Map<String, List<String>> viewsByTopic() {
        Map<String, List<String>> viewsByTopic = new LinkedHashMap<>();
        topics.forEach((name, use) -> viewsByTopic.put(name, List.copyOf(use.views)));
        return viewsByTopic;
    }

    /** @return whether a topic is one of the views' inputs, rather than an internal topic */
    boolean isInput(String topic) {
        return topics.containsKey(topic);
    }

    /** @return the store that holds a source's table */
    String tableStoreName(Plan.Source source) {
        return topics.get(source.topic().name()).tableStoreName();
    }

    /** @return a global view's table: its topic, replicated to every instance */
    GlobalKTable<Object, Object> globalTable(DefinitionImpl<Object, Object> definition) {
        Topic<Object, Object> topic = ((Plan.Source) definition.plan()).topic();
        return builder.globalTable(topic.name(), consumed(topics.get(topic.name())),
                routing.materialized(definition.name(), topic.keySerde(), topic.valueSerde()));
    }

    /** @return the topic as a table, one per topic */
    KTable<Object, Object> table(Plan.Source source) {
        TopicUse use = topics.get(source.topic().name());
        return tables.computeIfAbsent(use.topic.name(), name -> {
            Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> store =
                    routing.materialized(use.tableStoreName(), use.topic.keySerde(), use.topic.valueSerde());
            if (use.asStream) {
                stream(source);
                return keyed.get(name).toTable(Named.as(use.sourceName() + ".table"), store);
            }
            return builder.table(name, consumed(use), new TopicLogged(store, restores, use.check(limits),
                    use.topic.keySerde(), use.topic.valueSerde()));
        });
    }

    /**
     * A source table's store: restored from its topic through the checks of {@link TopicRestores}, and
     * reading and writing with the topic's own serdes. Kafka Streams gives a source table the serdes its
     * records are read with, which check each record as it is read ({@link InputCheck}); once the table's
     * changelog is its topic, its store would call them with that topic's name too, and a row read back would
     * be checked as a record arriving. So the serdes set here stay.
     */
    private static final class TopicLogged extends Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> {
        TopicLogged(Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> store, TopicRestores restores,
                    InputCheck check, Serde<Object> keys, Serde<Object> values) {
            super(store);
            this.dslStoreSuppliers = restores.checked(dslStoreSuppliers, check, keys, values);
        }

        @Override
        public Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> withKeySerde(Serde<Object> keySerde) {
            return this;
        }

        @Override
        public Materialized<Object, Object, KeyValueStore<Bytes, byte[]>> withValueSerde(Serde<Object> valueSerde) {
            return this;
        }
    }

    private KStream<Object, Object> stream(Plan.Source source) {
        TopicUse use = topics.get(source.topic().name());
        return streams.computeIfAbsent(use.topic.name(), name -> {
            KStream<Object, Object> stream = builder.stream(name, consumed(use));
            if (use.asTable) {
                // the table's branch is the source's first child: a write on another branch (a repartition)
                // frees the record's bytes, and the dead letter of a null key should carry them
                InputCheck check = use.check(limits);
                keyed.put(name, stream.filter((key, value) -> check.requireKey(key),
                        Named.as(use.sourceName() + ".keyed")));
            }
            return stream;
        });
    }

    /** A topic's events: its records less the null values, which are deletes, not facts. */
    KStream<Object, Object> events(Plan.Source source) {
        TopicUse use = topics.get(source.topic().name());
        return events.computeIfAbsent(use.topic.name(),
                name -> stream(source).filter((key, value) -> value != null, Named.as(use.sourceName() + ".events")));
    }

    private Consumed<Object, Object> consumed(TopicUse use) {
        InputCheck check = use.check(limits);
        return Consumed.with(check.keys(use.topic.keySerde()), check.values(use.topic.valueSerde()))
                .withName(use.sourceName());
    }
}
