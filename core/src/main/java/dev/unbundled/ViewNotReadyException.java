package dev.unbundled;

/**
 * Thrown by a read of a view that cannot answer yet: the runtime is starting, the view is
 * restoring or rebuilding its state, or its partitions are moving between instances.
 *
 * <p>The message names the view, its state and what it is waiting for. Either wait with
 * {@link ReadOnlyView#awaitReady(java.time.Duration)} before reading, or retry later.
 *
 * <pre>{@code
 * try {
 *     return view.get(id);
 * } catch (ViewNotReadyException e) {
 *     return Optional.empty();   // or answer 503 and let the caller retry
 * }
 * }</pre>
 */
public class ViewNotReadyException extends ViewException {
    private static final long serialVersionUID = 1L;

    private final ViewStatus.State state;

    /**
     * @param view the name of the view
     * @param state the state the view was in when the read was refused
     * @param message what the view is waiting for and what to do
     * @param cause the underlying cause, or null
     */
    public ViewNotReadyException(String view, ViewStatus.State state, String message, Throwable cause) {
        super(view, message, cause);
        this.state = state;
    }

    /** @return the state the view was in when the read was refused */
    public ViewStatus.State state() {
        return state;
    }
}
