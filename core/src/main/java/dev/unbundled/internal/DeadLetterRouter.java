package dev.unbundled.internal;

import dev.unbundled.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which views lost a bad record and builds the records for their dead-letter topics
 * ({@code <application-id>.<view>.dlq}), with headers that say where the record came from and why it
 * failed. Counts what it routed, per view.
 */
public final class DeadLetterRouter {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRouter.class);

    private final String applicationId;
    private final List<String> viewsLongestFirst;
    private final Map<String, List<String>> viewsByTopic;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /**
     * @param applicationId the application id, the first part of every dead-letter topic's name
     * @param views the compiled views
     */
    public DeadLetterRouter(String applicationId, CompiledViews views) {
        this.applicationId = applicationId;
        this.viewsLongestFirst = views.definitions().keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        this.viewsByTopic = views.viewsByTopic();
        viewsLongestFirst.forEach(view -> counts.put(view, new LongAdder()));
    }

    /**
     * @param view a view's name
     * @return the name of the view's dead-letter topic
     */
    public String topicOf(String view) {
        return applicationId + "." + view + ".dlq";
    }

    /** @return how many records went to each view's dead-letter topic, by view name */
    public Map<String, Long> counts() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((view, count) -> snapshot.put(view, count.sum()));
        return snapshot;
    }

    /** @return every dead-letter topic of the compiled views */
    public List<String> topics() {
        return viewsLongestFirst.stream().map(this::topicOf).sorted().toList();
    }

    List<ProducerRecord<byte[], byte[]>> deadLetters(ErrorHandlerContext context, byte[] key, byte[] value,
                                                     Exception exception) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String view : viewsFor(context.processorNodeId(), context.topic())) {
            RecordHeaders headers = new RecordHeaders();
            header(headers, DeadLetter.VIEW, view);
            header(headers, DeadLetter.SOURCE_TOPIC, context.topic());
            header(headers, DeadLetter.SOURCE_PARTITION, String.valueOf(context.partition()));
            header(headers, DeadLetter.SOURCE_OFFSET, String.valueOf(context.offset()));
            header(headers, DeadLetter.PROCESSOR, context.processorNodeId());
            header(headers, DeadLetter.EXCEPTION_CLASS, exception.getClass().getName());
            header(headers, DeadLetter.EXCEPTION_MESSAGE, String.valueOf(exception.getMessage()));
            records.add(new ProducerRecord<>(topicOf(view), null, key, value, headers));
            counts.computeIfAbsent(view, v -> new LongAdder()).increment();
            LOG.warn("View '{}' could not use the record at {}-{}@{} ({}: {}); it went to dead-letter topic '{}'",
                    view, context.topic(), context.partition(), context.offset(),
                    exception.getClass().getSimpleName(), exception.getMessage(), topicOf(view));
        }
        return records;
    }

    private List<String> viewsFor(String processor, String topic) {
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
                if (topic.startsWith(applicationId + "-" + view + ".")) {
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
