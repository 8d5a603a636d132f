package dev.unbundled.internal.run;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' clients, made as its default supplier makes them, keeping hold of the producers so that a
 * wait can flush them. A record a stream thread processed has handed what it led to (a repartition, a
 * foreign-key subscription) to its thread's producer before the record counts as processed; flushing the
 * producer from the waiting thread ({@link KafkaProducer#flush()} is thread-safe) makes those records land,
 * so that the internal topics' end offsets then cover them. No commit and no punctuator is needed.
 */
final class FlushableClients implements KafkaClientSupplier {
    private static final String GLOBAL_PROCESSING_HANDLER = "processing.exception.handler.global.enabled";
    private final Set<Producer<byte[], byte[]>> producers = ConcurrentHashMap.newKeySet();

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Producer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        producers.add(producer);
        return producer;
    }

    /**
     * The main consumer's partition assignor rebuilds Kafka Streams' config from this consumer's settings, which
     * leave out {@code processing.exception.handler.global.enabled}, and then warns on every start that the
     * setting is off although the runtime sets it. It is handed on here, so the copy says what the runtime runs.
     */
    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        Map<String, Object> withGlobalHandler = new HashMap<>(config);
        withGlobalHandler.put(GLOBAL_PROCESSING_HANDLER, true);
        return consumer(withGlobalHandler);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    private static Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Blocks until every record given to the stream threads' producers so far has been acknowledged or has
     * failed. A producer Kafka Streams has closed (its thread was replaced) is forgotten.
     */
    void flush() {
        for (Producer<byte[], byte[]> producer : producers) {
            try {
                producer.flush();
            } catch (IllegalStateException | KafkaException closed) {
                producers.remove(producer);
            }
        }
    }
}
