/**
 * The JMH read benchmarks: point and range reads of a view and of the raw store, in memory and on RocksDB, and
 * of plain maps.
 */
package dev.unbundled.benchmarks.reads;
