package dev.unbundled.rocksdb;

import dev.unbundled.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Fills topics of string keys and values for the RocksDB tests. */
final class Catalogue {
    private Catalogue() {
    }

    static String key(int i) {
        return String.format("item-%06d", i);
    }

    static String value(int i) {
        return "shelf-" + (i % 7) + "/" + "x".repeat(150) + "/" + i;
    }

    static void fill(EmbeddedKafka kafka, String topic, int from, int to) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, key(i), value(i)));
            }
            producer.flush();
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
