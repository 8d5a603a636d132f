package dev.unbundled.rocksdb;

import dev.unbundled.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
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

    /**
     * @param i the item's number
     * @param length the value's length in characters
     * @return a value that does not compress (random bytes as Base64; LZ4 finds nothing to repeat in it), the
     *     same one for the same number every time
     */
    static String randomValue(int i, int length) {
        byte[] bytes = new byte[length * 3 / 4 + 3];
        new Random(i).nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).substring(0, length);
    }

    static void fill(EmbeddedKafka kafka, String topic, int from, int to) {
        fill(kafka, topic, from, to, Catalogue::value);
    }

    static void fill(EmbeddedKafka kafka, String topic, int from, int to, IntFunction<String> value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, key(i), value.apply(i)));
            }
            producer.flush();
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
