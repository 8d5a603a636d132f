package dev.unbundled.rocksdb;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The JVM {@link CrashTest} kills with SIGKILL: it runs {@link PaymentViews} in a {@link ViewRuntime} with the
 * defaults (no {@code processing.guarantee}, unless one is passed) and prints, every 20 ms, how many payments
 * its count view holds and how far behind its input it is: {@code APPLIED <payments counted> LAG <records>}.
 * It never closes its runtime; it ends when killed, when its parent goes away (standard input closes), or
 * after {@link #LIFETIME} at the latest.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, run name, {@code rocksdb} or
 * {@code memory}, and a {@code processing.guarantee} or {@code default}.
 */
final class CrashChild {
    static final String APPLIED = "APPLIED ";
    static final Duration LIFETIME = Duration.ofMinutes(4);

    private CrashChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        exitWhenTheParentGoes();
        PaymentViews views = new PaymentViews(args[3]);
        ViewRuntime.Builder builder = builder(args[0], args[1], Path.of(args[2]), args[4], args[5]);
        views.all().forEach(builder::view);
        ViewRuntime runtime = builder.start();
        ReadOnlyView<String, Long> counts = runtime.view(views.paymentCount);
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
        reporter.scheduleAtFixedRate(() -> report(counts), 0, 20, TimeUnit.MILLISECONDS);
        // the reporter is never shut down: this returns after the child's lifetime, if nobody killed it first
        reporter.awaitTermination(LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
        Runtime.getRuntime().halt(3);
    }

    /** Prints how many payments the view has counted, and its lag, for the test to read. */
    private static void report(ReadOnlyView<String, Long> counts) {
        try (Stream<Map.Entry<String, Long>> all = counts.all()) {
            long applied = all.mapToLong(Map.Entry::getValue).sum();
            System.out.println(APPLIED + applied + " LAG " + counts.status().totalLag());
            System.out.flush();
        } catch (ViewException notYet) {
            // restoring or rebalancing: no line until the view answers
        } catch (RuntimeException e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(4);
        }
    }

    /** The runtime both the child and the test's last, in-process run start, with the same settings. */
    static ViewRuntime.Builder builder(String bootstrapServers, String applicationId, Path stateDir, String store,
                                      String guarantee) {
        ViewRuntime.Builder builder = ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(bootstrapServers).stateDir(stateDir)
                .defaultStore("rocksdb".equals(store) ? RocksDb.store() : ViewStore.inMemory())
                // a killed member stays in the group for the session timeout: the consumer's 45 s would
                // stall every restart, 6 s is the broker's least
                .property("session.timeout.ms", 6_000).property("heartbeat.interval.ms", 1_500);
        if (!"default".equals(guarantee)) {
            builder.property("processing.guarantee", guarantee);
        }
        return builder;
    }

    private static void exitWhenTheParentGoes() {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() >= 0) {
                    // nothing is sent; only the end of the stream matters
                }
            } catch (IOException gone) {
                // the same as the end of the stream
            }
            Runtime.getRuntime().halt(2);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
