package dev.unbundled.internal.run;

import dev.unbundled.ViewException;
import dev.unbundled.ViewStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a view's version is still being built from its input topics. A new view, or a view whose
 * fingerprint changed, starts on empty state under a consumer group of its own; until that group has read
 * its inputs up to where they ended when the version first started (its <em>target</em>), and everything
 * those records sent through the view's internal topics, its partial content is not served. The target is
 * kept as the committed offsets of an empty group, {@code <application id>.target}, so that every instance
 * of the version, started at any time, waits for the same target.
 */
final class Rebuild {
    private static final Logger LOG = LoggerFactory.getLogger(Rebuild.class);
    /** The suffix of the group that keeps a version's target. */
    static final String TARGET_GROUP_SUFFIX = ".target";
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    private final String applicationId;
    private final Map<TopicPartition, Long> target;
    private final Set<String> internalTopics;
    private final Map<TopicPartition, Long> unread;
    /** How far the group has read each target partition, as last asked. */
    private volatile Map<TopicPartition, Long> read = Map.of();
    /** The internal topics' end offsets the group must read next, once the inputs reached the target. */
    private Map<TopicPartition, Long> internalTarget;
    private int passesLeft;
    private volatile boolean built;
    private final long startedNanos = System.nanoTime();

    private Rebuild(String applicationId, Map<TopicPartition, Long> target, Set<String> internalTopics,
                    Map<TopicPartition, Long> unread) {
        this.applicationId = applicationId;
        this.unread = Map.copyOf(unread);
        this.target = Map.copyOf(target);
        this.internalTopics = Set.copyOf(internalTopics);
        this.passesLeft = internalTopics.size() + 1;
        this.built = this.target.values().stream().allMatch(offset -> offset <= 0);
    }

    /** @return a view version that has been built before: nothing to wait for */
    static Rebuild built(String applicationId) {
        return new Rebuild(applicationId, Map.of(), Set.of(), Map.of());
    }

    /**
     * Finds a version's target, or sets it when the version starts for the first time. A version whose group
     * has read before and whose target is gone (it expired with the empty group's offsets, long after the
     * build) is built.
     *
     * <p>A view whose one store is its topic's table ({@code loadsFromTopics}) is not built record by record:
     * its group starts at the target, and Kafka Streams loads everything below it as a restore of the table
     * from its topic, in bulk, each record checked on the way in. No source reads those records, so the
     * restore writes the dead letters of the bad ones ({@link UnreadLetters}); the target's partitions say
     * which still owe them ({@link #unread()}).
     *
     * @param admin the runtime's admin client
     * @param applicationId the view's Kafka Streams application id, which is its group's id
     * @param view the view's name, for messages
     * @param inputTopics the view's input topics, not the global ones
     * @param internalTopics the topics the view's records cross, with the application id prefix
     * @param loadsFromTopics whether the view's one store is its input topic's table, loaded as a restore
     * @return the version's rebuild
     * @throws ViewException if Kafka does not answer in time
     */
    static Rebuild prepare(Admin admin, String applicationId, String view, Set<String> inputTopics,
                           Set<String> internalTopics, boolean loadsFromTopics) {
        String targetGroup = applicationId + TARGET_GROUP_SUFFIX;
        try {
            Map<TopicPartition, OffsetAndMetadata> targetOffsets = offsets(admin, targetGroup);
            if (targetOffsets.isEmpty()) {
                if (!offsets(admin, applicationId).isEmpty()) {
                    return built(applicationId);
                }
                Map<TopicPartition, Long> ends = endOffsets(admin, inputTopics);
                targetOffsets = new HashMap<>();
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    targetOffsets.put(end.getKey(), new OffsetAndMetadata(end.getValue(),
                            loadsFromTopics && end.getValue() > 0 ? UnreadLetters.OWED : ""));
                }
                // the letters are owed before the group moves past the records: a crash between writes some twice
                admin.alterConsumerGroupOffsets(targetGroup, targetOffsets).all()
                        .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (loadsFromTopics) {
                    startAtTarget(admin, applicationId, ends);
                }
                LOG.info("View '{}' is new or changed: building it from its input topics under '{}', up to {}"
                        + " input records before it answers{}", view, applicationId, total(ends),
                        loadsFromTopics ? ", loaded as a restore of its table" : "");
            }
            Map<TopicPartition, Long> target = new HashMap<>();
            Map<TopicPartition, Long> unread = new HashMap<>();
            targetOffsets.forEach((partition, offset) -> {
                target.put(partition, offset.offset());
                if (UnreadLetters.OWED.equals(offset.metadata())) {
                    unread.put(partition, offset.offset());
                }
            });
            return new Rebuild(applicationId, target, internalTopics, unread);
        } catch (ExecutionException | TimeoutException e) {
            throw new ViewException(view, "View '" + view + "': cannot tell whether its version '" + applicationId
                    + "' has been built, Kafka did not answer: " + Brokers.describe(e) + "; check the brokers and"
                    + " start again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViewException(view, "Interrupted while starting view '" + view + "'", e);
        }
    }

    /**
     * Commits the target as the group's offsets, so that Kafka Streams restores the view's table up to it
     * from its topic and processes only what comes after. Another instance of the version that started at
     * the same time may have joined the group first: it set the offsets, and this one leaves them.
     */
    private static void startAtTarget(Admin admin, String applicationId, Map<TopicPartition, Long> target)
            throws InterruptedException, TimeoutException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        target.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        try {
            admin.alterConsumerGroupOffsets(applicationId, offsets).all().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownMemberIdException || e.getCause() instanceof GroupNotEmptyException)) {
                throw e;
            }
            LOG.debug("'{}' has members already; they set its offsets", applicationId, e);
        }
    }

    /**
     * @return the partitions whose records below the target no source read and whose bad records' dead
     *     letters may not all be written yet, with the target offset of each
     */
    Map<TopicPartition, Long> unread() {
        return unread;
    }

    /** @return whether the version has been built: once true, it stays true */
    boolean isBuilt() {
        return built;
    }

    /** @return how far the build has come, in input records */
    ViewStatus.Restoring progress() {
        Map<TopicPartition, Long> known = read;
        long done = 0;
        for (Map.Entry<TopicPartition, Long> partition : target.entrySet()) {
            done += Math.min(partition.getValue(), known.getOrDefault(partition.getKey(), 0L));
        }
        return new ViewStatus.Restoring(done, total(target));
    }

    /**
     * Asks how far the group has read and moves the build on: first the inputs up to the target, then, pass
     * after pass, the internal topics up to their ends when the previous pass was reached, until a pass
     * finds them where the previous one did (or after one pass per internal topic, plus one).
     *
     * @param admin the runtime's admin client
     * @throws ExecutionException if Kafka refused or did not answer
     */
    void check(Admin admin) throws ExecutionException, TimeoutException, InterruptedException {
        if (built) {
            return;
        }
        Map<TopicPartition, Long> committed = committed(admin, applicationId);
        read = committed;
        if (!reached(committed, target) && !reached(withLogStarts(admin, committed), target)) {
            return;
        }
        if (internalTopics.isEmpty()) {
            finish();
            return;
        }
        // passes back to back while the group is past them: a build that has caught up ends in one check
        while (internalTarget == null || reached(committed, internalTarget)) {
            Map<TopicPartition, Long> ends = endOffsets(admin, internalTopics);
            if (passesLeft-- == 0 || ends.equals(internalTarget)) {
                // read past what its inputs sent on, and nothing more is on its way: the view holds its inputs
                finish();
                return;
            }
            internalTarget = ends;
            committed = committed(admin, applicationId);
        }
    }

    /**
     * @return the committed offsets, raised to the log start of each target partition: records deleted by
     *     retention are not to be read, and a partition with nothing left to read gets no committed offset
     */
    private Map<TopicPartition, Long> withLogStarts(Admin admin, Map<TopicPartition, Long> committed)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        target.keySet().forEach(partition -> earliest.put(partition, OffsetSpec.earliest()));
        Map<TopicPartition, Long> raised = new HashMap<>(committed);
        admin.listOffsets(earliest).all().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> raised.merge(partition, info.offset(), Math::max));
        read = raised;
        return raised;
    }

    private void finish() {
        built = true;
        LOG.info("'{}' is built: read {} input records in {} s; its view answers reads now", applicationId,
                total(target), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos));
    }

    private static boolean reached(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> partition : target.entrySet()) {
            if (partition.getValue() > 0 && committed.getOrDefault(partition.getKey(), 0L) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static long total(Map<TopicPartition, Long> target) {
        return target.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets(admin, group).forEach((partition, offset) -> committed.put(partition, offset.offset()));
        return committed;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin, String group)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).forEach((partition, offset) -> {
                    if (offset != null) {
                        offsets.put(partition, offset);
                    }
                });
        return offsets;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Set<String> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        Map<String, TopicDescription> described = admin.describeTopics(new HashSet<>(topics)).allTopicNames()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        described.values().forEach(topic -> topic.partitions().forEach(partition ->
                partitions.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(partitions).all().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }
}
