package dev.unbundled.internal.run;

import dev.unbundled.DeadLetter;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the dead letters Kafka Streams cannot write itself: a global view's (its global thread has no
 * record collector), and those of records a restore met that no source had read (see {@link UnreadLetters}).
 * Its producer is made at the first letter, so a runtime that never has one opens no producer. A send that
 * fails is logged with the record's coordinates, so that a dead letter is never lost without a trace.
 */
final class DirectLetters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectLetters.class);

    private final String bootstrapServers;
    private final String clientId;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    /**
     * @param bootstrapServers the cluster
     * @param clientId the producer's client id
     */
    DirectLetters(String bootstrapServers, String clientId) {
        this.bootstrapServers = bootstrapServers;
        this.clientId = clientId;
    }

    /** @param letter a dead letter to send */
    void send(ProducerRecord<byte[], byte[]> letter) {
        KafkaProducer<byte[], byte[]> sender = producer();
        if (sender == null) {
            lost(letter, "the runtime has been closed");
            return;
        }
        sender.send(letter, (metadata, failure) -> {
            if (failure != null) {
                lost(letter, failure.toString());
            }
        });
    }

    /** Waits until every letter sent so far has been written, or has failed and been logged. */
    void flush() {
        KafkaProducer<byte[], byte[]> sender;
        synchronized (this) {
            sender = producer;
        }
        if (sender != null) {
            sender.flush();
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null && !closed) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.CLIENT_ID_CONFIG, clientId,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        }
        return producer;
    }

    private static void lost(ProducerRecord<byte[], byte[]> letter, String why) {
        DeadLetter lost = DeadLetter.of(letter.headers(), letter.key(), letter.value());
        LOG.error("View '{}': could not write a dead letter to {}; the record is still at {}-{} offset {}: {}",
                lost.view(), letter.topic(), lost.sourceTopic(), lost.sourcePartition(), lost.sourceOffset(), why);
    }

    @Override
    public void close() {
        KafkaProducer<byte[], byte[]> sender;
        synchronized (this) {
            closed = true;
            sender = producer;
        }
        if (sender != null) {
            sender.close(Duration.ofSeconds(10));
        }
    }
}
