package dev.unbundled;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of every view a runtime runs, as answered by {@link ViewRuntime#status()}: the runtime-wide
 * answer to "is this service ready?".
 *
 * <pre>{@code
 * RuntimeStatus status = runtime.status();
 * if (!status.isReady()) {
 *     return serviceUnavailable("waiting for " + status.notReady());
 * }
 * metrics.gauge("views.lag", status.totalLag());
 * }</pre>
 *
 * @param views the status of each view, in the order the views were registered (global views they look
 *     up included)
 */
public record RuntimeStatus(List<ViewStatus> views) {

    /** @throws NullPointerException if {@code views} is null */
    public RuntimeStatus {
        views = List.copyOf(Objects.requireNonNull(views, "views"));
    }

    /** @return true if every view answers reads ({@link ViewStatus#isReady()}) */
    public boolean isReady() {
        return views.stream().allMatch(ViewStatus::isReady);
    }

    /** @return the views that do not answer reads yet, in registration order; empty when {@link #isReady()} */
    public List<ViewStatus> notReady() {
        return views.stream().filter(view -> !view.isReady()).toList();
    }

    /** @return the sum of every view's {@link ViewStatus#totalLag()} */
    public long totalLag() {
        return views.stream().mapToLong(ViewStatus::totalLag).sum();
    }

    /**
     * @param view a view's name
     * @return its status, if the runtime runs it
     */
    public Optional<ViewStatus> view(String view) {
        Objects.requireNonNull(view, "view");
        return views.stream().filter(status -> status.view().equals(view)).findFirst();
    }
}
