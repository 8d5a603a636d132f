/**
 * Unbundled's implementation: the compiler from view plans to Kafka Streams topologies, the runtime,
 * the store-backed views and the dead-letter handling.
 *
 * <p><b>Not API.</b> Everything here may change in any release without notice; use the types in
 * {@code dev.unbundled} instead.
 */
package dev.unbundled.internal;
