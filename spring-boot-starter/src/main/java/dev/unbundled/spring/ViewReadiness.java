package dev.unbundled.spring;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewNotReadyException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Tells which views have caught up since start: a background thread waits for each gating view in turn, and a
 * view that has caught up once stays caught up (a later rebalance does not take the instance out of service; an
 * error or a close does, see {@link ViewsHealthIndicator}). The thread ends once every view has caught up.
 */
final class ViewReadiness implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ViewReadiness.class);
    /** How long one wait lasts; also how long a stop may wait for the thread. */
    private static final Duration ROUND = Duration.ofSeconds(1);
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final List<ReadOnlyView<?, ?>> gating;
    private final Set<String> caughtUp = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread thread;

    ViewReadiness(List<ReadOnlyView<?, ?>> gating) {
        this.gating = List.copyOf(gating);
    }

    /**
     * The one place that decides whether a view has caught up with its input topics: what its own
     * {@code awaitReady} means (ready, every input partition processed up to the end offsets of the moment, and
     * what those records led to across repartition topics in the view). Switch this to a runtime-wide status when
     * core offers one.
     */
    static boolean caughtUp(ReadOnlyView<?, ?> view, Duration patience) {
        try {
            view.awaitReady(patience);
            return true;
        } catch (ViewNotReadyException notYet) {
            return false;
        }
    }

    /** @return true if readiness waits for this view */
    boolean gates(String view) {
        return gating.stream().anyMatch(gate -> gate.name().equals(view));
    }

    /** @return true once the view has caught up since start */
    boolean hasCaughtUp(String view) {
        return caughtUp.contains(view);
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::track, "unbundled-readiness");
        thread.setDaemon(true);
        thread.start();
    }

    private void track() {
        while (running && caughtUp.size() < gating.size()) {
            for (ReadOnlyView<?, ?> view : gating) {
                if (!running) {
                    return;
                }
                if (caughtUp.contains(view.name())) {
                    continue;
                }
                try {
                    if (caughtUp(view, ROUND)) {
                        caughtUp.add(view.name());
                        LOG.info("View '{}' has caught up with its input topics", view.name());
                    }
                } catch (IllegalStateException closed) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("View '{}': cannot tell whether it has caught up; trying again", view.name(), e);
                }
            }
            // a view in error answers at once: do not spin on it
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(ROUND.multipliedBy(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
