package dev.unbundled.testkit;

import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.TopologyDescription;

/**
 * What {@link ViewCluster#awaitStable} checks, through the public API only: every view READY at every running
 * instance, the input partitions the instances process (as {@link ViewStatus#lag()} names them) covering each
 * input partition once, every instance able to reach a holder of every partition (a routed page), and every
 * instance caught up ({@code awaitReady}).
 */
final class StableAssignment implements AutoCloseable {
    private final List<ViewDefinition<?, ?>> views;
    private final EmbeddedKafka kafka;
    private final Map<String, Map<String, Integer>> inputPartitions = new ConcurrentHashMap<>();
    private Admin admin;

    StableAssignment(List<ViewDefinition<?, ?>> views, EmbeddedKafka kafka) {
        this.views = views;
        this.kafka = kafka;
    }

    /**
     * Fills {@code ownership} with the input partitions each instance processes, by view.
     *
     * @return what is not settled yet, or null if everything is
     */
    String settled(List<ClusterInstance> running, Map<Integer, Map<String, Set<TopicPartition>>> ownership) {
        for (ClusterInstance in : running) {
            Map<String, Set<TopicPartition>> owned = new TreeMap<>();
            for (ViewDefinition<?, ?> view : views) {
                ViewStatus status;
                try {
                    status = in.view(view).status();
                } catch (IllegalStateException wentDown) {
                    return "instance " + in.index + " went down";
                }
                if (!status.isReady()) {
                    return "view '" + view.name() + "' at instance " + in.index + " is " + status.state();
                }
                owned.put(view.name(), new TreeSet<>(Comparator.comparing(TopicPartition::toString)));
                owned.get(view.name()).addAll(status.lag().keySet());
            }
            ownership.put(in.index, owned);
        }
        for (ViewDefinition<?, ?> view : views) {
            if (view.isGlobal()) {
                continue;
            }
            Map<TopicPartition, Integer> owners = new HashMap<>();
            for (Map.Entry<Integer, Map<String, Set<TopicPartition>>> entry : ownership.entrySet()) {
                for (TopicPartition partition : entry.getValue().get(view.name())) {
                    Integer other = owners.put(partition, entry.getKey());
                    if (other != null) {
                        return partition + " of view '" + view.name() + "' is processed by instances " + other
                                + " and " + entry.getKey();
                    }
                }
            }
            for (Map.Entry<String, Integer> topic : inputPartitions(view).entrySet()) {
                for (int p = 0; p < topic.getValue(); p++) {
                    if (!owners.containsKey(new TopicPartition(topic.getKey(), p))) {
                        return topic.getKey() + "-" + p + " of view '" + view.name() + "' is processed by no instance";
                    }
                }
            }
        }
        for (ClusterInstance in : running) {
            for (ViewDefinition<?, ?> view : views) {
                try {
                    // a routed page asks a holder of every partition, as this instance's routing knows them
                    in.view(view).page(1);
                } catch (IllegalStateException wentDown) {
                    return "instance " + in.index + " went down";
                } catch (RuntimeException e) {
                    return "instance " + in.index + " cannot read every partition of '" + view.name() + "': " + e;
                }
            }
        }
        return null;
    }

    String caughtUp(List<ClusterInstance> running, long deadline) {
        for (ClusterInstance in : running) {
            for (ViewDefinition<?, ?> view : views) {
                try {
                    in.view(view).awaitReady(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (ViewNotReadyException | IllegalStateException e) {
                    return "view '" + view.name() + "' at instance " + in.index + " has not caught up: "
                            + e.getMessage();
                }
            }
        }
        return null;
    }

    /** @return the partition count of each topic the view reads that exists as named (not an internal topic) */
    private Map<String, Integer> inputPartitions(ViewDefinition<?, ?> view) {
        Map<String, Integer> known = inputPartitions.get(view.name());
        if (known != null) {
            return known;
        }
        Set<String> sources = new TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : view.topology().describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    sources.addAll(source.topicSet());
                }
            }
        }
        Map<String, Integer> partitions = new LinkedHashMap<>();
        try {
            Set<String> existing = admin().listTopics().names().get(30, TimeUnit.SECONDS);
            sources.retainAll(existing);
            for (TopicDescription topic : admin().describeTopics(sources).allTopicNames().get(30, TimeUnit.SECONDS)
                    .values()) {
                partitions.put(topic.name(), topic.partitions().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing the input topics of '" + view.name() + "'", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not describe the input topics " + sources + " of view '"
                    + view.name() + "' on " + kafka, e);
        }
        inputPartitions.put(view.name(), partitions);
        return partitions;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        }
        return admin;
    }

    String describe(List<ClusterInstance> instances) {
        StringBuilder text = new StringBuilder();
        for (ClusterInstance in : instances) {
            text.append("  instance ").append(in.index).append(" (port ").append(in.port).append("): ");
            ViewRuntime runtime = in.runtime;
            if (runtime == null) {
                text.append(in.down).append('\n');
                continue;
            }
            for (ViewDefinition<?, ?> view : views) {
                ViewStatus status = runtime.view(view).status();
                text.append(view.name()).append(' ').append(status.state()).append(" processing ")
                        .append(status.lag().keySet()).append("; ");
            }
            text.append('\n');
        }
        return text.toString();
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
