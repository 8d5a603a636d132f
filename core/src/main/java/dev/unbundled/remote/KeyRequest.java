package dev.unbundled.remote;

import java.util.Objects;

/**
 * A read of one key, sent to the instance that holds the key's partition.
 *
 * <pre>{@code
 * byte[] key = Serdes.String().serializer().serialize(null, "rock");
 * KeyRequest request = new KeyRequest("top-five", key, 2, -1);       // partition 2, active copy only
 * KeyAnswer answer = transport.get("10.0.0.8:7070", request);
 * }</pre>
 *
 * @param view the view's name
 * @param key the key, serialised with the view's key serde
 * @param partition the key's partition, as the sender's metadata says
 * @param maxLag the most records a standby copy may be behind to answer, or -1 to require the active copy
 */
public record KeyRequest(String view, byte[] key, int partition, long maxLag) {
    /** Checks the fields. */
    public KeyRequest {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(key, "key");
    }
}
