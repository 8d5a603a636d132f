/**
 * RocksDB-backed views with a bounded memory budget. Not built yet: until it is, every view is held in
 * memory and rebuilt from Kafka on start. This package is where the store choice will live.
 */
package dev.unbundled.rocksdb;
