package dev.unbundled.rocksdb;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.ViewStatus;
import dev.unbundled.ViewStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The JVM {@link CrashTest} kills with SIGKILL: it runs {@link PaymentViews} in a {@link ViewRuntime} with the
 * defaults (no {@code processing.guarantee}, unless one is passed) and prints, every 20 ms, how many payments
 * its count view holds and how far behind its input it is: {@code APPLIED <payments counted> LAG <records>}.
 * Once every view is {@code READY}, it prints how long that took after {@code start()} and how many records
 * its views restored from changelogs first: {@code READY <ms> RESTORED <records>}.
 * It never closes its runtime; it ends when killed, when its parent goes away (standard input closes), or
 * after {@link #LIFETIME} at the latest.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, run name, {@code rocksdb} or
 * {@code memory}, a {@code processing.guarantee} or {@code default}, and optionally further Kafka Streams
 * properties as {@code key=value,key=value}.
 */
final class CrashChild {
    static final String APPLIED = "APPLIED ";
    static final String READY = "READY ";
    static final Duration LIFETIME = Duration.ofMinutes(4);

    private CrashChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        exitWhenTheParentGoes();
        PaymentViews views = new PaymentViews(args[3]);
        ViewRuntime.Builder builder = builder(args[0], args[1], Path.of(args[2]), args[4], args[5],
                args.length > 6 ? properties(args[6]) : Map.of());
        views.all().forEach(builder::view);
        long starting = System.nanoTime();
        ViewRuntime runtime = builder.start();
        AtomicBoolean ready = new AtomicBoolean();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
        reporter.scheduleAtFixedRate(() -> report(runtime, views, starting, ready), 0, 20, TimeUnit.MILLISECONDS);
        // the reporter is never shut down: this returns after the child's lifetime, if nobody killed it first
        reporter.awaitTermination(LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
        Runtime.getRuntime().halt(3);
    }

    /** Prints how many payments the view has counted, and its lag, for the test to read. */
    private static void report(ViewRuntime runtime, PaymentViews views, long starting, AtomicBoolean ready) {
        ReadOnlyView<String, Long> counts = runtime.view(views.paymentCount);
        try (Stream<Map.Entry<String, Long>> all = counts.all()) {
            long applied = all.mapToLong(Map.Entry::getValue).sum();
            if (!ready.get() && views.all().stream()
                    .allMatch(view -> runtime.view(view).status().state() == ViewStatus.State.READY)) {
                ready.set(true);
                System.out.println(READY + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting)
                        + " RESTORED " + restored(runtime, views));
            }
            System.out.println(APPLIED + applied + " LAG " + counts.status().totalLag());
            System.out.flush();
        } catch (ViewException notYet) {
            // restoring or rebalancing: no line until the view answers
        } catch (RuntimeException e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(4);
        }
    }

    /**
     * @param runtime a running runtime
     * @param views its views
     * @return the records restored into the views' stores from changelogs since the runtime started, by
     *     {@code ViewStatus.restoredRecords()} summed over the views (a source table that several views read
     *     counts once for each of them)
     */
    static long restored(ViewRuntime runtime, PaymentViews views) {
        return views.all().stream().mapToLong(view -> runtime.view(view).status().restoredRecords()).sum();
    }

    /** @return {@code key=value,key=value} as a map */
    static Map<String, String> properties(String text) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (!pair.isBlank()) {
                int eq = pair.indexOf('=');
                properties.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return properties;
    }

    /** @return properties as {@link #properties(String)} reads them */
    static String text(Map<String, String> properties) {
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(text.length() == 0 ? "" : ",").append(key).append('=')
                .append(value));
        return text.toString();
    }

    /** The runtime both the child and the test's last, in-process run start, with the same settings. */
    static ViewRuntime.Builder builder(String bootstrapServers, String applicationId, Path stateDir, String store,
                                      String guarantee) {
        return builder(bootstrapServers, applicationId, stateDir, store, guarantee, Map.of());
    }

    /** The same, with further Kafka Streams properties. */
    static ViewRuntime.Builder builder(String bootstrapServers, String applicationId, Path stateDir, String store,
                                      String guarantee, Map<String, String> properties) {
        ViewRuntime.Builder builder = ViewRuntime.builder().applicationId(applicationId)
                .bootstrapServers(bootstrapServers).stateDir(stateDir)
                .defaultStore(store(store, properties))
                // a killed member stays in the group for the session timeout: the consumer's 45 s would
                // stall every restart, 6 s is the broker's least
                .property("session.timeout.ms", 6_000).property("heartbeat.interval.ms", 1_500);
        if (!"default".equals(guarantee)) {
            builder.property("processing.guarantee", guarantee);
        }
        properties.forEach((key, value) -> {
            if (!key.equals(RocksDb.MEMORY_BUDGET_CONFIG)) {
                builder.property(key, value);
            }
        });
        return builder;
    }

    /** @return the store of every view: RocksDB (with the budget among the properties, if any) or memory */
    private static ViewStore store(String store, Map<String, String> properties) {
        if (!"rocksdb".equals(store)) {
            return ViewStore.inMemory();
        }
        String budget = properties.get(RocksDb.MEMORY_BUDGET_CONFIG);
        return budget == null ? RocksDb.store() : RocksDb.store().withMemoryBudget(Long.parseLong(budget));
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
