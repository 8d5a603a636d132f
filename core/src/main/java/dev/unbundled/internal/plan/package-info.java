/**
 * The DSL's data: a view's plan, the immutable tree of steps (sources, filters, mappings, joins, look-ups,
 * re-keys, aggregations) that {@code View} builds and the compiler reads. It imports only the public API's
 * types, no other internal package.
 *
 * <p><b>Not API.</b> May change in any release.
 */
package dev.unbundled.internal.plan;
