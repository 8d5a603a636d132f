package dev.unbundled.remote;

/**
 * Answers reads from one instance's local state; the runtime gives it to {@link Transport#serve}. A transport
 * passes each request it receives to this handler and turns what it throws into its protocol's error.
 *
 * <pre>{@code
 * // inside a Transport implementation, for each request that arrives
 * try {
 *     reply(200, handler.get(request));
 * } catch (RemoteQueryException e) {
 *     reply(statusOf(e.reason()), e.getMessage());      // 400, 404, 421 or 503, as the Reason says
 * }
 * }</pre>
 */
public interface QueryHandler {

    /**
     * @param request a read of one key
     * @return the answer from the local copy of the key's partition
     * @throws RemoteQueryException with {@link RemoteQueryException.Reason#UNKNOWN_VIEW},
     *         {@link RemoteQueryException.Reason#BAD_REQUEST}, {@link RemoteQueryException.Reason#NOT_HERE} or
     *         {@link RemoteQueryException.Reason#NOT_READY}
     */
    KeyAnswer get(KeyRequest request);

    /**
     * @param request a page of a scan over some of this instance's partitions
     * @return the page, in the order of the serialised keys
     * @throws RemoteQueryException as {@link #get}
     */
    ScanAnswer scan(ScanRequest request);

    /**
     * @param view a view's name
     * @return whether this runtime runs the view
     */
    boolean knows(String view);
}
