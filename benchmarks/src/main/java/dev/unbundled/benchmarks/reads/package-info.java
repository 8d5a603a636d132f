/** The JMH read benchmarks: point and range reads of a view, of the raw store, and of plain maps. */
package dev.unbundled.benchmarks.reads;
