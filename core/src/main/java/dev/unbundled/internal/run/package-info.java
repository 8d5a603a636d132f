/**
 * The runtime: starts and stops Kafka Streams for compiled views and keeps one typed {@code RunningView}
 * per view with its stores, partitions, offsets, restores, waits, dead letters, and the answers to other
 * instances' reads. It imports {@code plan}, {@code compile} and {@code read}; none of them imports it.
 *
 * <p><b>Not API.</b> May change in any release.
 */
package dev.unbundled.internal.run;
