package dev.unbundled.internal.run;

import dev.unbundled.internal.compile.TopicRestores;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
    /** The source tables restored from their topics, which must hear of the records restores leave out unseen. */
    private final TopicRestores restores;
    /** One flush at a time, in call order, on a daemon thread that ends when idle. */
    private final java.util.concurrent.ThreadPoolExecutor flusher = new java.util.concurrent.ThreadPoolExecutor(
            0, 1, 1, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "unbundled-producer-flush");
                thread.setDaemon(true);
                return thread;
            });

    /** @param restores the source tables restored from their topics */
    FlushableClients(TopicRestores restores) {
        this.restores = restores;
    }

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

    /**
     * Kafka Streams leaves a record without a key out of a restore before any store sees it, with a warning.
     * In a source table's topic that is a record the table's source refused, and one no source read must still
     * be dead-lettered: the restore consumer shows each such record to {@link TopicRestores#unkeyed} first.
     */
    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()) {
            @Override
            public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
                ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.key() == null) {
                        restores.unkeyed(record);
                    }
                }
                return records;
            }
        };
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    private static Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Waits until every record given to the stream threads' producers so far has been acknowledged or has
     * failed, or until the deadline. The flush itself runs on a thread of its own: a producer whose brokers
     * are gone blocks in it until its records time out, and the waiting caller must not.
     *
     * @param deadlineNanos when to stop waiting, by {@link System#nanoTime()}
     * @return true if every producer flushed in time
     */
    boolean flush(long deadlineNanos) {
        java.util.concurrent.Future<?> flushed = flusher.submit(this::flushAll);
        try {
            flushed.get(Math.max(0, deadlineNanos - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Flushing Kafka Streams' producers failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Blocks until every record given to the stream threads' producers so far has been acknowledged or has
     * failed. A producer Kafka Streams has closed (its thread was replaced) is forgotten.
     */
    private void flushAll() {
        for (Producer<byte[], byte[]> producer : producers) {
            try {
                producer.flush();
            } catch (IllegalStateException | KafkaException closed) {
                producers.remove(producer);
            }
        }
    }
}
