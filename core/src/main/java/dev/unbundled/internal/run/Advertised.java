package dev.unbundled.internal.run;

import dev.unbundled.remote.Transport;

/**
 * Where a runtime answers other instances' reads, and how.
 *
 * @param host the advertised host
 * @param port the port to bind, 0 for any
 * @param transport the transport
 */
public record Advertised(String host, int port, Transport transport) {
}
