/**
 * The benchmarks of Unbundled against hand-written Kafka Streams: {@link dev.unbundled.benchmarks.Benchmarks}
 * runs them all and writes the reports. Not published, not API.
 */
package dev.unbundled.benchmarks;
