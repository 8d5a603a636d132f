package dev.unbundled.internal.run;

import dev.unbundled.DeadLetter;
import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.Positions;
import dev.unbundled.internal.compile.RecordLimits;
import dev.unbundled.internal.compile.UnusableRecordException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which views lost a bad record and builds the records for their dead-letter topics
 * ({@code <application-id>.<view>.dlq}), with headers that say where the record came from and why it
 * failed. Counts what it routed, per view. A letter always fits what the producer and the broker accept: a
 * key or value too long for that is cut ({@link RecordLimits#letterBytes()}), and the letter then carries the
 * original sizes ({@link DeadLetter#ORIGINAL_KEY_SIZE}, {@link DeadLetter#ORIGINAL_VALUE_SIZE}).
 */
public final class DeadLetterRouter {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRouter.class);
    /** The most characters of an exception's message a letter keeps. */
    static final int MESSAGE_CHARS = 4096;

    private final String applicationId;
    /** The Kafka Streams application id, the first part of the views' internal topics' names. */
    private final String streamsApplicationId;
    /** Global views whose letters another engine of the runtime writes: it reads the same topic. */
    private final Set<String> lettersWrittenElsewhere;
    private final List<String> viewsLongestFirst;
    private final Map<String, List<String>> viewsByTopic;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Set<String> globalTopics;
    private final Consumer<ProducerRecord<byte[], byte[]>> directSink;
    private final Positions positions;
    private final int letterBytes;

    /**
     * @param applicationId the application id, the first part of every dead-letter topic's name
     * @param views the compiled views
     * @param directSink sends the dead letters Kafka Streams cannot send itself (those of global views)
     */
    public DeadLetterRouter(String applicationId, CompiledViews views,
                            Consumer<ProducerRecord<byte[], byte[]>> directSink) {
        this(applicationId, applicationId, views, Set.of(), directSink);
    }

    /**
     * @param applicationId the runtime's application id, the first part of every dead-letter topic's name
     * @param streamsApplicationId the Kafka Streams application id the views run under
     * @param views the compiled views
     * @param lettersWrittenElsewhere global views among them whose dead letters another router writes
     * @param directSink sends the dead letters Kafka Streams cannot send itself (those of global views)
     */
    public DeadLetterRouter(String applicationId, String streamsApplicationId, CompiledViews views,
                            Set<String> lettersWrittenElsewhere,
                            Consumer<ProducerRecord<byte[], byte[]>> directSink) {
        this.streamsApplicationId = streamsApplicationId;
        this.lettersWrittenElsewhere = Set.copyOf(lettersWrittenElsewhere);
        this.globalTopics = views.globalTopics();
        this.positions = views.positions();
        this.letterBytes = views.limits().letterBytes();
        this.directSink = directSink;
        this.applicationId = applicationId;
        this.viewsLongestFirst = views.definitions().keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        this.viewsByTopic = views.viewsByTopic();
        viewsLongestFirst.stream().filter(view -> !this.lettersWrittenElsewhere.contains(view))
                .forEach(view -> counts.put(view, new LongAdder()));
    }

    /**
     * @param view a view's name
     * @return the name of the view's dead-letter topic
     */
    public String topicOf(String view) {
        return applicationId + "." + view + ".dlq";
    }

    /**
     * Moves the position of a partition past a record that went to a dead-letter topic before any view saw it.
     *
     * @param topic the record's topic
     * @param partition its partition
     * @param offset its offset
     */
    public void handled(String topic, int partition, long offset) {
        if (topic != null && offset >= 0 && !globalTopics.contains(topic)) {
            positions.handled(topic, partition, offset, System.currentTimeMillis());
        }
    }

    /** @return how many records went to each view's dead-letter topic, by view name */
    public Map<String, Long> counts() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((view, count) -> snapshot.put(view, count.sum()));
        return snapshot;
    }

    /**
     * @param topic a topic
     * @return true if it is one of the views' dead-letter topics
     */
    public boolean isDeadLetterTopic(String topic) {
        return topic != null && topic.startsWith(applicationId + ".") && topic.endsWith(".dlq")
                && counts.containsKey(topic.substring(applicationId.length() + 1, topic.length() - ".dlq".length()));
    }

    /** @return every dead-letter topic of the compiled views */
    public List<String> topics() {
        return counts.keySet().stream().map(this::topicOf).sorted().toList();
    }

    /**
     * @param topic a topic
     * @return true if the topic feeds a global view, whose dead letters go through {@link #deliver}
     */
    public boolean isGlobalTopic(String topic) {
        return globalTopics.contains(topic);
    }

    /** @param records dead letters to send outside Kafka Streams */
    public void deliver(List<ProducerRecord<byte[], byte[]>> records) {
        records.forEach(directSink);
    }

    List<ProducerRecord<byte[], byte[]>> deadLetters(ErrorHandlerContext context, byte[] key, byte[] value,
                                                     Exception exception) {
        return deadLetters(context.processorNodeId(), context.topic(), context.partition(), context.offset(), key,
                value, exception);
    }

    /**
     * Builds the dead letters for a record that could not be used, one per view that lost it, and counts them.
     *
     * @param processor the processor that failed, or null
     * @param topic the topic the record was read from
     * @param partition its partition
     * @param offset its offset
     * @param key its key bytes
     * @param value its value bytes
     * @param exception why it failed
     * @return the records to send to the dead-letter topics
     */
    public List<ProducerRecord<byte[], byte[]>> deadLetters(String processor, String topic, int partition, long offset,
                                                            byte[] key, byte[] value, Exception exception) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        String message = String.valueOf(exception.getMessage());
        if (message.length() > MESSAGE_CHARS) {
            message = message.substring(0, MESSAGE_CHARS) + "... (" + message.length() + " characters)";
        }
        int valueKept = value == null ? 0 : Math.min(value.length,
                Math.max(letterBytes / 2, letterBytes - (key == null ? 0 : key.length)));
        int keyKept = key == null ? 0 : Math.min(key.length, letterBytes - valueKept);
        for (String view : viewsFor(processor, topic, exception)) {
            if (lettersWrittenElsewhere.contains(view)) {
                continue;
            }
            RecordHeaders headers = new RecordHeaders();
            header(headers, DeadLetter.VIEW, view);
            header(headers, DeadLetter.SOURCE_TOPIC, topic);
            header(headers, DeadLetter.SOURCE_PARTITION, String.valueOf(partition));
            header(headers, DeadLetter.SOURCE_OFFSET, String.valueOf(offset));
            header(headers, DeadLetter.PROCESSOR, processor);
            header(headers, DeadLetter.EXCEPTION_CLASS, exception.getClass().getName());
            header(headers, DeadLetter.EXCEPTION_MESSAGE, message);
            boolean cut = key != null && keyKept < key.length || value != null && valueKept < value.length;
            if (cut) {
                header(headers, DeadLetter.ORIGINAL_KEY_SIZE, key == null ? null : String.valueOf(key.length));
                header(headers, DeadLetter.ORIGINAL_VALUE_SIZE, value == null ? null : String.valueOf(value.length));
            }
            records.add(new ProducerRecord<>(topicOf(view), null, cut(key, keyKept), cut(value, valueKept), headers));
            counts.computeIfAbsent(view, v -> new LongAdder()).increment();
            LOG.warn("View '{}' could not use the record at {}-{}@{} ({}: {}); it went to dead-letter topic '{}'{}",
                    view, topic, partition, offset, exception.getClass().getSimpleName(), message, topicOf(view),
                    cut ? ", its key and value cut to " + letterBytes + " bytes" : "");
        }
        return records;
    }

    private static byte[] cut(byte[] bytes, int kept) {
        return bytes == null || kept == bytes.length ? bytes : Arrays.copyOf(bytes, kept);
    }

    /**
     * Logs a dead letter that could not be written, so that the record is never lost without a trace: the
     * log line has its coordinates, and it is still in its topic.
     *
     * @param letter the dead letter
     * @param failure why it could not be written
     */
    public void lost(ProducerRecord<byte[], byte[]> letter, Exception failure) {
        DeadLetter lost = DeadLetter.of(letter.headers(), null, null);
        LOG.error("View '{}': could not write a dead letter to {}; the record is still at {}-{} offset {} ({}): {}",
                lost.view(), letter.topic(), lost.sourceTopic(), lost.sourcePartition(), lost.sourceOffset(),
                lost.exceptionMessage(), failure.toString());
    }

    private List<String> viewsFor(String processor, String topic, Exception exception) {
        if (exception instanceof UnusableRecordException unusable && !unusable.views().isEmpty()) {
            return unusable.views();
        }
        if (processor != null) {
            for (String view : viewsLongestFirst) {
                if (processor.startsWith(view + ".")) {
                    return List.of(view);
                }
            }
        }
        if (topic != null) {
            List<String> readers = viewsByTopic.get(topic);
            if (readers != null && !readers.isEmpty()) {
                return readers;
            }
            for (String view : viewsLongestFirst) {
                if (topic.startsWith(streamsApplicationId + "-" + view + ".")) {
                    return List.of(view);
                }
            }
        }
        // nothing names the view: every view may have lost the record, so every view is told
        return viewsLongestFirst;
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
