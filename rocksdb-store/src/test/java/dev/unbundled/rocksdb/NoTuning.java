package dev.unbundled.rocksdb;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/** Leaves every RocksDB store with Kafka Streams' own per-store defaults: the run without a budget. */
public final class NoTuning implements RocksDBConfigSetter {
    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    }

    @Override
    public void close(String storeName, Options options) {
    }
}
