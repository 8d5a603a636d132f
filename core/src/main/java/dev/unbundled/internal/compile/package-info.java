/**
 * The compiler: view definitions to one Kafka Streams {@code Topology}, with its shared sources, named
 * steps, store choices, change taps and position trackers. It imports {@code plan} and the public API's
 * types, never {@code read} or {@code run}.
 *
 * <p><b>Not API.</b> May change in any release.
 */
package dev.unbundled.internal.compile;
