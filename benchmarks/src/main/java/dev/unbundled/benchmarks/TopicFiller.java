package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes generated records to a topic as fast as the broker takes them, before a measurement starts:
 * filling is never part of what is measured.
 *
 * <pre>{@code
 * TopicFiller.fill(kafka, products, 0, 1_000, Model::productKey, i -> Model.product(i, 0));
 * }</pre>
 */
public final class TopicFiller {
    private TopicFiller() {
    }

    /**
     * Sends records {@code from} (inclusive) to {@code to} (exclusive) and waits until the broker has them all.
     *
     * @param kafka the broker
     * @param topic the topic and its serdes
     * @param from the first record's number
     * @param to one past the last record's number
     * @param key the key of record {@code i}
     * @param value the value of record {@code i}
     * @param <V> the value type
     * @throws IllegalStateException if a send fails
     */
    public static <V> void fill(EmbeddedKafka kafka, Topic<String, V> topic, long from, long to,
                                LongFunction<String> key, LongFunction<? extends V> value) {
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(kafka)) {
            fill(producer, topic, from, to, key, value);
        }
    }

    /**
     * Sends records like {@link #fill(EmbeddedKafka, Topic, long, long, LongFunction, LongFunction)}, with a
     * producer made beforehand, so that making it stays out of a measured window.
     *
     * @param producer a producer from {@link #bulkProducer}
     * @param topic the topic and its serdes
     * @param from the first record's number
     * @param to one past the last record's number
     * @param key the key of record {@code i}
     * @param value the value of record {@code i}
     * @param <V> the value type
     * @throws IllegalStateException if a send fails
     */
    public static <V> void fill(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, long from, long to,
                                LongFunction<String> key, LongFunction<? extends V> value) {
        awaitLeaders(producer, topic.name());
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (long i = from; i < to && failure.get() == null; i++) {
            byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value.apply(i));
            producer.send(new ProducerRecord<>(topic.name(), key.apply(i).getBytes(StandardCharsets.UTF_8), bytes),
                    (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                    });
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Could not fill topic " + topic.name(), failure.get());
        }
    }

    /**
     * A topic created a moment ago may not have its leader known to clients yet; a first batch refused
     * for that can leave an idempotent producer's later batches out of sequence.
     */
    private static void awaitLeaders(KafkaProducer<byte[], byte[]> producer, String topic) {
        Poll.until("leaders of " + topic, 10_000, () -> {
            List<PartitionInfo> partitions = producer.partitionsFor(topic);
            return !partitions.isEmpty() && partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        });
    }

    /**
     * @param kafka the broker
     * @return a producer that batches: throughput matters here, not the delay of one record
     */
    public static KafkaProducer<byte[], byte[]> bulkProducer(EmbeddedKafka kafka) {
        Map<String, Object> config = kafka.producerConfig();
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        // one batch in flight per partition: a retried batch can never overtake or be overtaken
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
