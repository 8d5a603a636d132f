/**
 * How instances of a service read each other's partitions of a view: the {@link dev.unbundled.remote.Transport}
 * SPI and its default, {@link dev.unbundled.remote.HttpTransport}: a small HTTP/1.1 server of its own, bounded
 * against slow and hostile clients, and the JDK's HTTP client.
 *
 * <p>Most services never touch this package: {@code ViewRuntime.builder().advertise(host, port)} starts the
 * default transport. Implement {@link dev.unbundled.remote.Transport} to put gRPC or your own framework behind
 * routed reads; keys and values cross it as the bytes of the view's own serdes, never Java serialisation.
 */
package dev.unbundled.remote;
