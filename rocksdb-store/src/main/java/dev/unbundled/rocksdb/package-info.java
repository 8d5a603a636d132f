/**
 * RocksDB-backed views with one bounded memory budget per runtime: {@link dev.unbundled.rocksdb.RocksDb}.
 */
package dev.unbundled.rocksdb;
