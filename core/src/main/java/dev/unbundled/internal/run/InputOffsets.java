package dev.unbundled.internal.run;

import dev.unbundled.ViewException;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewStatus;
import dev.unbundled.internal.compile.Positions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a runtime's input partitions stand: which ones this instance processes, how far it has
 * processed them, and where their logs start and end. Answers from Kafka are kept for 100 ms, so that
 * frequent status calls and waits cost little.
 *
 * <p>Every request to Kafka is given up after {@link Brokers#REQUEST_TIMEOUT}, and every caller waits for
 * one only until its own deadline: while the brokers are gone a status call answers within
 * {@link Brokers#PATIENCE} and a wait within its timeout, with a {@link ViewNotReadyException} in state
 * {@link ViewStatus.State#UNREACHABLE} naming the brokers.
 */
final class InputOffsets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InputOffsets.class);
    private static final long CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String applicationId;
    private final KafkaStreams streams;
    private final Admin admin;
    private final Brokers brokers;
    private final Positions positions;
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> logStarts = new ConcurrentHashMap<>();
    private volatile Cached<Map<TopicPartition, Long>> endOffsets = Cached.empty();
    private volatile Cached<Local> local = Cached.empty();
    private volatile Group group;
    /** The end offsets a status call asked for and is not answered yet, for the next status call to wait on. */
    private volatile Pending pending;
    private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param brokers whether the cluster answers: the runtime's, shared by its applications, since any of
     *     their requests tells it for all
     */
    InputOffsets(String applicationId, Brokers brokers, KafkaStreams streams, Admin admin, Positions positions) {
        this.applicationId = applicationId;
        this.streams = streams;
        this.admin = admin;
        this.brokers = brokers;
        this.positions = positions;
    }

    /**
     * The next offset to process in a partition: the tracker's, or the committed offset or the log start
     * when that is further (after a restart, past transaction markers, which no record reaches the tracker
     * for, or past records deleted by retention).
     */
    long processed(TopicPartition partition, Local assigned) {
        long tracked = positions.next(partition);
        Long committed = assigned.committed().get(partition);
        long floor = Math.max(logStarts.getOrDefault(partition, 0L), committed != null ? committed : 0);
        return Math.max(tracked, floor);
    }

    /** This instance's active input partitions and their committed offsets; read at most every 100 ms. */
    Local local() {
        Cached<Local> cached = local;
        if (cached.isFresh()) {
            return cached.value();
        }
        Set<TopicPartition> partitions = new HashSet<>();
        Map<TopicPartition, Long> committed = new HashMap<>();
        Set<String> ownConsumers = new HashSet<>();
        if (streams.state() == KafkaStreams.State.RUNNING || streams.state() == KafkaStreams.State.REBALANCING) {
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                ownConsumers.add(thread.consumerClientId());
                for (TaskMetadata task : thread.activeTasks()) {
                    partitions.addAll(task.topicPartitions());
                    task.committedOffsets().forEach((partition, offset) -> {
                        if (offset != null && offset >= 0) {
                            committed.put(partition, offset);
                        }
                    });
                }
            }
        }
        boolean alone = false;
        if (!partitions.isEmpty()) {
            // after a restart the restored records never pass the trackers, and a task reports committed
            // offsets only once it commits again: the group's committed offsets say where it resumed
            Group group = group();
            group.committed().forEach((partition, offset) -> {
                if (partitions.contains(partition)) {
                    committed.merge(partition, offset, Math::max);
                }
            });
            alone = group.members() == null || ownConsumers.containsAll(group.members());
        }
        Local now = new Local(partitions, committed, alone);
        local = Cached.of(now);
        return now;
    }

    /** @return whether the brokers answer this runtime's requests */
    Brokers brokers() {
        return brokers;
    }

    /**
     * @param view the view asking, for the message
     * @param partitions partitions of input topics
     * @param fresh true to ask the brokers now, false to accept an answer up to 100 ms old
     * @param deadlineNanos when to stop waiting for Kafka's answer, by {@link System#nanoTime()}
     * @return their end offsets
     * @throws ViewNotReadyException in state {@code UNREACHABLE} if Kafka has not answered by the deadline
     * @throws ViewException if Kafka refuses to answer
     */
    Map<TopicPartition, Long> endOffsets(String view, Set<TopicPartition> partitions, boolean fresh,
                                         long deadlineNanos) {
        Cached<Map<TopicPartition, Long>> cached = endOffsets;
        if (!fresh && cached.isFresh() && cached.value().keySet().containsAll(partitions)) {
            return cached.value();
        }
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Pending asked = pending;
        CompletableFuture<Map<TopicPartition, Long>> answer;
        if (!fresh && asked != null && !asked.answer().isDone() && asked.partitions().containsAll(partitions)) {
            // a status call while the brokers are slow or gone: wait on the request already out
            answer = asked.answer();
        } else {
            answer = askEndOffsets(partitions);
            if (!fresh) {
                pending = new Pending(Set.copyOf(partitions), answer);
            }
        }
        return await(view, answer, deadlineNanos, "read the end offsets of " + partitions);
    }

    /** Asks Kafka for the partitions' end offsets and log starts; remembers the answer. */
    private CompletableFuture<Map<TopicPartition, Long>> askEndOffsets(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        partitions.forEach(partition -> {
            latest.put(partition, OffsetSpec.latest());
            earliest.put(partition, OffsetSpec.earliest());
        });
        ListOffsetsOptions options = new ListOffsetsOptions().timeoutMs(Brokers.requestTimeoutMs());
        brokers.sent();
        var endsAnswer = admin.listOffsets(latest, options).all();
        var startsAnswer = admin.listOffsets(earliest, options).all();
        CompletableFuture<Map<TopicPartition, Long>> answer = new CompletableFuture<>();
        KafkaFuture.allOf(endsAnswer, startsAnswer).whenComplete((ignored, failure) -> {
            brokers.ended(failure);
            if (failure != null) {
                answer.completeExceptionally(failure);
                return;
            }
            try {
                Map<TopicPartition, Long> ends = new HashMap<>();
                endsAnswer.get().forEach((partition, info) -> ends.put(partition, info.offset()));
                // records deleted by retention are not behind: nothing is left to process before the log start
                startsAnswer.get().forEach((partition, info) -> logStarts.put(partition, info.offset()));
                Map<TopicPartition, Long> copy = Map.copyOf(ends);
                endOffsets = Cached.of(copy);
                answer.complete(copy);
            } catch (InterruptedException | ExecutionException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /**
     * Waits for Kafka's answer until the deadline.
     *
     * @throws ViewNotReadyException in state {@code UNREACHABLE} if no broker answered in time
     * @throws ViewException if a broker refused
     */
    private <T> T await(String view, java.util.concurrent.Future<T> answer, long deadlineNanos, String what) {
        try {
            return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw unreachable(view, what, null);
        } catch (ExecutionException e) {
            if (Brokers.unanswered(e)) {
                throw unreachable(view, what, e.getCause());
            }
            throw new ViewException(view, "View '" + view + "': cannot " + what + " from Kafka at "
                    + brokers.bootstrapServers() + ": " + Brokers.describe(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViewException(view, "View '" + view + "': interrupted while waiting to " + what, e);
        }
    }

    private ViewNotReadyException unreachable(String view, String what, Throwable cause) {
        String why = brokers.unreachable().orElse("the Kafka brokers at " + brokers.bootstrapServers()
                + " did not answer in time");
        return new ViewNotReadyException(view, ViewStatus.State.UNREACHABLE, "View '" + view + "': cannot " + what
                + ": " + why + ". Reads answer from the local state meanwhile, which may be behind; check that the"
                + " brokers run and are reachable from this host", cause);
    }

    /**
     * @param view the view asking, for the message
     * @param topics co-partitioned topics, such as those a view's store is partitioned by
     * @return their partition count
     * @throws ViewNotReadyException in state {@code UNREACHABLE} if Kafka does not answer within
     *     {@link Brokers#PATIENCE} (at once, while the brokers are known to be unreachable)
     * @throws ViewException if Kafka cannot describe them
     */
    int partitionCount(String view, Set<String> topics) {
        return allPartitions(view, topics).size() / Math.max(1, topics.size());
    }

    /** Every partition of the given topics, whether this instance processes it or not, waiting at most briefly. */
    Set<TopicPartition> allPartitions(String view, Set<String> topics) {
        return allPartitions(view, topics, System.nanoTime() + patienceNanos());
    }

    /**
     * Asks the cluster for its id in the background, unless such a question is out already: while this
     * instance processes no partition, no other request tells whether the brokers answer.
     */
    void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        brokers.sent();
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(Brokers.requestTimeoutMs())).clusterId()
                .whenComplete((id, failure) -> {
                    brokers.ended(failure);
                    probing.set(false);
                });
    }

    /** @return how long a status call or a read waits for Kafka: not at all while the brokers are known gone */
    long patienceNanos() {
        return brokers.unreachable().isPresent() ? 0 : Brokers.PATIENCE.toNanos();
    }

    /**
     * @param deadlineNanos when to stop waiting for Kafka, by {@link System#nanoTime()}
     * @return every partition of the given topics, whether this instance processes it or not
     * @throws ViewNotReadyException in state {@code UNREACHABLE} if Kafka has not answered by the deadline
     * @throws ViewException if Kafka cannot describe them
     */
    Set<TopicPartition> allPartitions(String view, Set<String> topics, long deadlineNanos) {
        List<String> unknown = topics.stream().filter(topic -> !partitionCounts.containsKey(topic)).toList();
        if (!unknown.isEmpty()) {
            brokers.sent();
            KafkaFuture<Map<String, org.apache.kafka.clients.admin.TopicDescription>> described = admin
                    .describeTopics(unknown, new DescribeTopicsOptions().timeoutMs(Brokers.requestTimeoutMs()))
                    .allTopicNames().whenComplete((answer, failure) -> brokers.ended(failure));
            await(view, described, deadlineNanos, "describe its topics " + unknown)
                    .forEach((topic, description) -> partitionCounts.put(topic, description.partitions().size()));
        }
        Set<TopicPartition> partitions = new HashSet<>();
        for (String topic : topics) {
            for (int partition = 0; partition < partitionCounts.get(topic); partition++) {
                partitions.add(new TopicPartition(topic, partition));
            }
        }
        return partitions;
    }

    /**
     * @param target the next offset each partition must reach
     * @param assigned this instance's partitions
     * @return the partitions short of their target, with the next offset they are at
     */
    Map<TopicPartition, Long> lacking(Map<TopicPartition, Long> target, Local assigned) {
        Map<TopicPartition, Long> lacking = new java.util.TreeMap<>(java.util.Comparator
                .comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        target.forEach((partition, next) -> {
            // partitions another instance processes are its business, unless nothing is assigned here yet
            if (assigned.partitions().isEmpty() || assigned.alone() || assigned.partitions().contains(partition)) {
                long processed = processed(partition, assigned);
                if (processed < next) {
                    lacking.put(partition, processed);
                }
            }
        });
        return lacking;
    }

    /**
     * What the group's coordinator says: its committed offsets and its members' client ids. Asked of Kafka in
     * the background once the last answer is 100 ms old, so that callers (a read-your-writes wait, a status
     * call) never wait for a round trip to the coordinator; only the first call waits.
     *
     * <p>The members matter because task metadata lists only the tasks that are running, not those still
     * initialising or restoring: while a lone instance starts up its running tasks cover only some of the
     * partitions it will process, and the group's membership says whether any partition can be another
     * instance's business at all.
     *
     * @param committed the group's committed offsets
     * @param members the client ids of the group's members; null if unknown (then this instance counts as alone)
     * @param atNanos when Kafka answered
     */
    private record Group(Map<TopicPartition, Long> committed, Set<String> members, long atNanos) {
    }

    private Group group() {
        Group known = group;
        if (known == null) {
            try {
                return ask().get(patienceNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Runtime '{}': cannot read the group's offsets and members now", applicationId, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Group(Map.of(), null, System.nanoTime());
        }
        if (System.nanoTime() - known.atNanos() > CACHE_NANOS && refreshing.compareAndSet(false, true)) {
            ask().whenComplete((answer, failure) -> {
                refreshing.set(false);
                if (failure != null) {
                    LOG.debug("Runtime '{}': cannot read the group's offsets and members now", applicationId, failure);
                }
            });
        }
        return known;
    }

    /** Asks the coordinator for the group's committed offsets and members; remembers the answer. */
    private CompletableFuture<Group> ask() {
        CompletableFuture<Group> answer = new CompletableFuture<>();
        brokers.sent();
        var offsets = admin.listConsumerGroupOffsets(applicationId,
                new ListConsumerGroupOffsetsOptions().timeoutMs(Brokers.requestTimeoutMs()))
                .partitionsToOffsetAndMetadata();
        var described = admin.describeConsumerGroups(List.of(applicationId),
                new DescribeConsumerGroupsOptions().timeoutMs(Brokers.requestTimeoutMs()))
                .describedGroups().get(applicationId);
        KafkaFuture.allOf(offsets, described).whenComplete((ignored, failure) -> {
            brokers.ended(failure);
            if (failure != null) {
                answer.completeExceptionally(failure);
                return;
            }
            try {
                Map<TopicPartition, Long> committed = new HashMap<>();
                offsets.get().forEach((partition, offset) -> {
                    if (offset != null) {
                        committed.put(partition, offset.offset());
                    }
                });
                Set<String> members = new HashSet<>();
                described.get().members().forEach(member -> members.add(member.clientId()));
                Group group = new Group(Map.copyOf(committed), Set.copyOf(members), System.nanoTime());
                InputOffsets.this.group = group;
                answer.complete(group);
            } catch (InterruptedException | ExecutionException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /**
     * This instance's active partitions, their committed offsets, and whether no other instance shares the
     * group (then every input partition is this instance's, running yet or not).
     */
    record Local(Set<TopicPartition> partitions, Map<TopicPartition, Long> committed, boolean alone) {
        Set<TopicPartition> partitionsOf(Set<String> topics) {
            Set<TopicPartition> of = new HashSet<>();
            partitions.forEach(partition -> {
                if (topics.contains(partition.topic())) {
                    of.add(partition);
                }
            });
            return of;
        }
    }

    /** End offsets asked for, and the answer to come. */
    private record Pending(Set<TopicPartition> partitions, CompletableFuture<Map<TopicPartition, Long>> answer) {
    }

    /** A value read from Kafka and when, to answer frequent calls from memory for a short while. */
    private record Cached<T>(T value, long atNanos) {
        static <T> Cached<T> of(T value) {
            return new Cached<>(value, System.nanoTime());
        }

        static <T> Cached<T> empty() {
            return new Cached<>(null, 0);
        }

        boolean isFresh() {
            return value != null && System.nanoTime() - atNanos < CACHE_NANOS;
        }
    }


    @Override
    public void close() {
        // the admin client is the runtime's, shared by its engines: the runtime closes it
    }
}
