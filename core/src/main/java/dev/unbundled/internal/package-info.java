/**
 * Unbundled's implementation, in the order data flows: {@code plan} (what the DSL builds), {@code compile}
 * (plan to Kafka Streams topology), {@code read} (the views users hold) and {@code run} (the running views).
 * Each package imports only the ones before it in that order ({@code read} none of them: it reads through
 * interfaces that {@code run} and the testkit implement), and no two files import each other.
 *
 * <p><b>Not API.</b> Everything here may change in any release without notice; use the types in
 * {@code dev.unbundled} instead.
 */
package dev.unbundled.internal;
