package dev.unbundled.internal.run;

import dev.unbundled.ViewException;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.internal.read.RoutedHost.Copies;
import dev.unbundled.internal.read.RoutedView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;

/**
 * How one running view's store is partitioned: the topics whose partitions are its store's partitions,
 * how many there are, and which instance answers for each.
 */
final class Partitioning {
    private final Engine engine;
    private final String view;
    private final String storeName;
    private final ViewState state;
    private final Set<String> topics;

    Partitioning(Engine engine, String view, String storeName, ViewState state) {
        this.engine = engine;
        this.view = view;
        this.storeName = storeName;
        this.state = state;
        this.topics = storeTopics();
    }

    /** @return the topics whose partitions are the view's store's partitions: the sources of its sub-topology */
    Set<String> topics() {
        return topics;
    }

    /**
     * The view's partition count; a topic that cannot be described yet (an internal topic the group's
     * leader has not created) means the view is still starting, and {@code stillStarting} says so.
     */
    int count(Function<ViewException, RuntimeException> stillStarting) {
        try {
            return engine.offsets.partitionCount(view, topics);
        } catch (ViewNotReadyException e) {
            throw e;
        } catch (ViewException e) {
            throw stillStarting.apply(e);
        }
    }

    /**
     * Which instance answers for each partition of the view: the one running it active, else (if allowed) one
     * holding a standby.
     *
     * @throws ViewNotReadyException naming the partitions no instance can answer for
     */
    List<Copies> scanPlan(boolean standbys) {
        engine.requireOpen(view);
        Map<Integer, String> active = new HashMap<>();
        Map<Integer, String> standby = new HashMap<>();
        for (StreamsMetadata host : engine.streams.streamsMetadataForStore(storeName)) {
            String address = RoutedView.address(host.hostInfo());
            host.topicPartitions().stream().filter(tp -> topics.contains(tp.topic()))
                    .forEach(tp -> active.put(tp.partition(), address));
            if (standbys) {
                host.standbyTopicPartitions().stream().filter(tp -> topics.contains(tp.topic()))
                        .forEach(tp -> standby.putIfAbsent(tp.partition(), address));
            }
        }
        int partitions = count(e -> new ViewNotReadyException(view, state.status().state(),
                "View '" + view + "' cannot be scanned yet: " + e.getMessage()
                        + "; call awaitReady(timeout) or retry shortly", e));
        Map<String, Copies> plan = new TreeMap<>();
        SortedSet<Integer> missing = new TreeSet<>();
        for (int partition = 0; partition < partitions; partition++) {
            String at = active.get(partition);
            boolean isStandby = at == null;
            if (isStandby) {
                at = standby.get(partition);
            }
            if (at == null) {
                missing.add(partition);
                continue;
            }
            plan.computeIfAbsent(at + "/" + isStandby, k -> new Copies(k.substring(0, k.lastIndexOf('/')),
                    k.endsWith("/true"), new TreeSet<>())).partitions().add(partition);
        }
        if (!missing.isEmpty()) {
            throw new ViewNotReadyException(view, state.status().state(), "View '" + view + "': partitions " + missing
                    + " of " + partitions + " have no instance that can answer now (an instance stopped or the group is"
                    + " rebalancing); a scan returns every partition or nothing. Retry shortly"
                    + (standbys ? "" : ", or read withStandbyReads(maxLag) with num.standby.replicas > 0"), null);
        }
        return List.copyOf(plan.values());
    }

    private Set<String> storeTopics() {
        for (TopologyDescription.Subtopology sub : engine.description.subtopologies()) {
            Set<String> sources = new TreeSet<>();
            boolean holds = false;
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    source.topicSet().forEach(topic -> sources.add(topic.endsWith("-repartition")
                            || topic.endsWith("-topic") ? engine.applicationId + "-" + topic : topic));
                }
                if (node instanceof TopologyDescription.Processor processor && processor.stores().contains(storeName)) {
                    holds = true;
                }
            }
            if (holds) {
                return Set.copyOf(sources);
            }
        }
        return engine.views.inputTopics(view);
    }
}
