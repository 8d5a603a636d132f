package dev.unbundled.remote;

import dev.unbundled.ViewException;

/**
 * A read another instance refused, or could not be asked. The runtime retries or re-routes reads refused with
 * {@link Reason#NOT_HERE}, {@link Reason#NOT_READY} or {@link Reason#UNREACHABLE}, and reports the others.
 *
 * <pre>{@code
 * throw new RemoteQueryException(request.view(), Reason.UNKNOWN_VIEW, "No view 'x' here");
 * }</pre>
 */
public class RemoteQueryException extends ViewException {
    private static final long serialVersionUID = 1L;

    /** Why a read was refused. */
    public enum Reason {
        /** The request is malformed: a key that does not decode, a bad bound or limit. HTTP 400. */
        BAD_REQUEST,
        /** The request lacks the right credentials. HTTP 401. */
        UNAUTHORIZED,
        /** The instance runs no view of that name. HTTP 404. */
        UNKNOWN_VIEW,
        /** The instance no longer (or does not yet) hold the partition asked for: re-route. HTTP 421. */
        NOT_HERE,
        /** The instance holds the partition but cannot answer yet. HTTP 503. */
        NOT_READY,
        /** The instance could not be reached or answered nonsense. */
        UNREACHABLE
    }

    private final Reason reason;

    /**
     * @param view the view's name
     * @param reason why the read was refused
     * @param message what happened and what to do
     * @param cause the cause, or null
     */
    public RemoteQueryException(String view, Reason reason, String message, Throwable cause) {
        super(view, message, cause);
        this.reason = reason;
    }

    /**
     * @param view the view's name
     * @param reason why the read was refused
     * @param message what happened and what to do
     */
    public RemoteQueryException(String view, Reason reason, String message) {
        this(view, reason, message, null);
    }

    /** @return why the read was refused */
    public Reason reason() {
        return reason;
    }
}
