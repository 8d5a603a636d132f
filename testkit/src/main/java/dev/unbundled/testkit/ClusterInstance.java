package dev.unbundled.testkit;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import dev.unbundled.testkit.internal.KillSwitch;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of a {@link ViewCluster}: its fixed place (number, state directory, advertised port) and the
 * runtime running there now, if any. Its generation changes whenever it goes down or comes up, so that a read
 * can tell whether its instance went down while it ran.
 */
final class ClusterInstance {
    final int index;
    final Path stateDir;
    final AtomicInteger generation = new AtomicInteger();
    volatile int port;
    volatile ViewRuntime runtime;
    volatile KillSwitch.Trigger trigger;
    volatile String down = "not started";

    ClusterInstance(int index, Path stateDir) {
        this.index = index;
        this.stateDir = stateDir;
    }

    /**
     * @return the view at this instance
     * @throws IllegalStateException if the instance is down, or its runtime was closed meanwhile
     */
    <K, V> ReadOnlyView<K, V> view(ViewDefinition<K, V> definition) {
        ViewRuntime current = runtime;
        if (current == null) {
            throw new IllegalStateException("instance " + index + " is " + down);
        }
        return current.view(definition);
    }

    synchronized void comeUp(ViewRuntime started, KillSwitch.Trigger startedTrigger) {
        generation.incrementAndGet();
        trigger = startedTrigger;
        runtime = started;
    }

    /** @return the runtime to close, or null if the instance was down already */
    synchronized ViewRuntime goDown(String how) {
        ViewRuntime current = runtime;
        if (current == null) {
            return null;
        }
        // before the runtime closes, so that a read failing because of the close can tell
        generation.incrementAndGet();
        runtime = null;
        down = how;
        return current;
    }
}
