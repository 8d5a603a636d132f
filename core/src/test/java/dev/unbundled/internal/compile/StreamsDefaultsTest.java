package dev.unbundled.internal.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsDefaultsTest {

    @Test
    void tunables_restoreConsumer_pollsTenThousandRecordsInEightMiBFetchesPerPartition() {
        Map<String, Object> restore = streamsConfig(StreamsDefaults.tunables()).getRestoreConsumerConfigs("client");

        assertThat(restore).containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000)
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    }

    @Test
    void tunables_producer_batchesUpTo256KiB() {
        Map<String, Object> producer = streamsConfig(StreamsDefaults.tunables()).getProducerConfigs("client");

        assertThat(producer).containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
    }

    @Test
    void tunables_producer_retriesAfterTenMillisecondsAtMostAHundred() {
        Map<String, Object> producer = streamsConfig(StreamsDefaults.tunables()).getProducerConfigs("client");

        assertThat(producer).containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10)
                .containsEntry(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
    }

    private static StreamsConfig streamsConfig(Properties tunables) {
        Properties config = new Properties();
        config.putAll(tunables);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "defaults-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        return new StreamsConfig(config);
    }
}
