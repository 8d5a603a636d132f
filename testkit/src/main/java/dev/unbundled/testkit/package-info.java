/**
 * Testing views: {@link dev.unbundled.testkit.ViewTestKit} runs definitions on Kafka Streams'
 * {@code TopologyTestDriver} in milliseconds, {@link dev.unbundled.testkit.ViewAssertions} checks
 * them with AssertJ, and {@link dev.unbundled.testkit.EmbeddedKafka} starts a real single-node KRaft
 * broker in-process for integration tests and demos.
 */
package dev.unbundled.testkit;
