package dev.unbundled;

import java.util.Objects;
import java.util.Optional;

/**
 * A read of one key with where its answer came from: which instance, whether from the active copy of the
 * key's partition or a standby, and how far that copy was behind.
 *
 * <pre>{@code
 * Read<Chart> read = charts.read("rock");
 * log.debug("{} answered from {} ({}; {} records behind)", read.value(), read.instance(),
 *         read.standby() ? "standby" : "active", read.lag());
 * }</pre>
 *
 * @param value the value, or empty if the view has no row for the key
 * @param instance the instance that answered, as {@code host:port}, or {@code "local"} when this instance
 *        answered and advertises no address
 * @param standby whether a standby copy answered (see {@link ReadOnlyView#withStandbyReads(long)})
 * @param lag how many records the answering copy was behind its log; 0 for a running active copy
 * @param <V> the value type
 */
public record Read<V>(Optional<V> value, String instance, boolean standby, long lag) {
    /** Checks the fields. */
    public Read {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(instance, "instance");
    }
}
