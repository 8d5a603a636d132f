/**
 * The RocksDB store's implementation. <b>Not API</b>: may change in any release; use
 * {@link dev.unbundled.rocksdb.RocksDb}.
 */
package dev.unbundled.rocksdb.internal;
