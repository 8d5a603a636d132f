package dev.unbundled.internal;

import dev.unbundled.ViewStatus;
import java.time.Duration;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Where a {@link StoreView} finds its store and its state: the runtime, or the testkit's driver. */
public interface ViewHost {

    /**
     * @param view the view's name
     * @return the store behind the view, ready to read
     * @throws dev.unbundled.ViewNotReadyException if the store cannot be read yet
     * @throws IllegalStateException if the host has been closed
     */
    ReadOnlyKeyValueStore<Object, Object> store(String view);

    /**
     * @param view the view's name
     * @return the view's state now
     */
    ViewStatus status(String view);

    /**
     * Waits until the view answers reads.
     *
     * @param view the view's name
     * @param timeout how long to wait at most
     * @throws dev.unbundled.ViewNotReadyException if the view is not ready in time
     */
    void awaitReady(String view, Duration timeout);

    /**
     * Translates Kafka Streams' store exception into what users see.
     *
     * @param view the view's name
     * @param cause what the store threw
     * @return the exception to throw instead
     */
    RuntimeException notReady(String view, RuntimeException cause);
}
