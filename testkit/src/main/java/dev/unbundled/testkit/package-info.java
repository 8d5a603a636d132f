/**
 * Testing views: {@link dev.unbundled.testkit.ViewTestKit} runs definitions on Kafka Streams'
 * {@code TopologyTestDriver} in milliseconds, {@link dev.unbundled.testkit.ViewAssertions} checks
 * them with AssertJ, {@link dev.unbundled.testkit.EmbeddedKafka} starts a real single-node KRaft
 * broker in-process (which can be stopped and restarted) for integration tests and demos, and
 * {@link dev.unbundled.testkit.ViewCluster} runs several instances of a service's views on it, stops, kills
 * and restarts them, and checks every instance's reads against a reference.
 */
package dev.unbundled.testkit;
