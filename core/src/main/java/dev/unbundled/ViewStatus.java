package dev.unbundled;

import java.util.Objects;

/**
 * A snapshot of a view's state, as answered by {@link ReadOnlyView#status()}.
 *
 * <pre>{@code
 * if (view.status().state() != ViewStatus.State.READY) {
 *     return serviceUnavailable(view.status().toString());
 * }
 * }</pre>
 *
 * @param view the name of the view
 * @param state the view's state
 * @param restoredRecords how many records were restored into the view's stores from Kafka since the
 *     runtime started: all of its changelogs for an in-memory or ephemeral view, little or nothing for
 *     a durable one that resumed from its local state
 */
public record ViewStatus(String view, State state, long restoredRecords) {

    /** The states a view moves through during its life. */
    public enum State {
        /** The runtime has been created but has not joined its consumer group yet. */
        STARTING,
        /** The view is rebuilding its state from a changelog or its input topics. */
        RESTORING,
        /** The view answers reads. */
        READY,
        /** Partitions are being reassigned between instances; reads may be refused. */
        REBALANCING,
        /** The runtime stopped because of an error; see the logs and restart it. */
        ERROR,
        /** The runtime was closed; the view will not answer again. */
        CLOSED
    }

    /**
     * @param view the name of the view
     * @param state the view's state
     * @param restoredRecords records restored into the view's stores since start
     * @throws NullPointerException if an argument is null
     */
    public ViewStatus {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(state, "state");
    }

    /** @return true if the view answers reads */
    public boolean isReady() {
        return state == State.READY;
    }
}
