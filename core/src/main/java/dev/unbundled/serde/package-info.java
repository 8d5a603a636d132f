/**
 * Serdes for view values: {@link dev.unbundled.serde.Json#serde(Class)} for records and plain classes.
 */
package dev.unbundled.serde;
