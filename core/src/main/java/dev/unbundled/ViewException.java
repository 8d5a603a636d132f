package dev.unbundled;

/**
 * The root of every exception Unbundled throws while running or reading a view.
 *
 * <p>Misuse of the API (a null argument, a reversed range, an unknown view) throws the
 * standard {@link NullPointerException}, {@link IllegalArgumentException} or
 * {@link IllegalStateException} instead. Messages name the view and say what to do.
 *
 * <pre>{@code
 * try {
 *     view.get("o-1");
 * } catch (ViewException e) {
 *     log.warn("order notes unavailable: {}", e.getMessage());
 * }
 * }</pre>
 */
public class ViewException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String view;

    /**
     * @param view the name of the view concerned
     * @param message what happened and what to do about it
     * @param cause the underlying cause, or null
     */
    public ViewException(String view, String message, Throwable cause) {
        super(message, cause);
        this.view = view;
    }

    /**
     * @param view the name of the view concerned
     * @param message what happened and what to do about it
     */
    public ViewException(String view, String message) {
        this(view, message, null);
    }

    /** @return the name of the view this exception is about */
    public String view() {
        return view;
    }
}
