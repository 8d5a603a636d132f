package dev.unbundled.benchmarks.reads;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewRuntime;
import dev.unbundled.benchmarks.Figure;
import dev.unbundled.benchmarks.KeyCursor;
import dev.unbundled.benchmarks.Model;
import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.benchmarks.UnbundledViews;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * What keeping rows decoded costs in heap, measured in this JVM: an in-memory products view is started, every
 * product read once by key (which decodes and keeps each row), and the heap used after a full collection is
 * compared with the heap used once the view's runtime is closed. The same for the view with its read cache
 * off. Both figures are per product, and include the stores' serialised rows and Kafka Streams' own state.
 */
final class ReadMemory {
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private ReadMemory() {
    }

    /** Below this many rows, the heap's own noise is larger than what is measured: no figure. */
    static final long LEAST_RECORDS = 10_000;

    static Figure figure(String run, String bootstrap, String topic, long records) {
        double kept = heapPerRow(bootstrap, topic, records, true);
        double plain = heapPerRow(bootstrap, topic, records, false);
        return new Figure(run, "heap per row, in memory, every row read once: rows kept decoded vs read cache off",
                "bytes/row", false, new Figure.Side("rows kept decoded", kept),
                new Figure.Side("withReadCache(false)", plain), null, Map.of("records", records));
    }

    private static double heapPerRow(String bootstrap, String topic, long records, boolean decoded) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        var definition = UnbundledViews.products(Model.products(topic)).withReadCache(decoded);
        long open;
        try {
            Path state = Files.createTempDirectory("unbundled-read-memory");
            try (ViewRuntime runtime = ViewRuntime.builder().applicationId("read-memory-" + UUID.randomUUID())
                    .bootstrapServers(bootstrap).stateDir(state).view(definition).start()) {
                ReadOnlyView<String, Product> view = runtime.view(definition).awaitReady(PATIENCE);
                KeyCursor cursor = new KeyCursor(records, i -> view.get(Model.productKey(i)).isPresent());
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (!cursor.reachedEnd() && System.nanoTime() - deadline < 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                }
                open = usedAfterGc(memory);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long closed = usedAfterGc(memory);
        return Math.max(0, open - closed) / (double) records;
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
