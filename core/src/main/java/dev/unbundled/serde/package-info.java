/**
 * Serdes for topics and view values: {@link dev.unbundled.serde.Json#serde(Class)}, strict JSON for records and
 * plain classes.
 */
package dev.unbundled.serde;
