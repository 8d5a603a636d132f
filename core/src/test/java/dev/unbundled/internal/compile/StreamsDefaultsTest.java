package dev.unbundled.internal.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.ViewStore;
import java.util.List;
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

    @Test
    void topologyConfig_interactiveQueries_readUncommitted() {
        assertThat(StreamsDefaults.topologyConfig(new StoreRouting(ViewStore.inMemory(), List.of())))
                .containsEntry(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_UNCOMMITTED");
    }

    private static StreamsConfig streamsConfig(Properties tunables) {
        Properties config = new Properties();
        config.putAll(tunables);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "defaults-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        return new StreamsConfig(config);
    }
}
