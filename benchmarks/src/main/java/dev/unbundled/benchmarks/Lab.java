package dev.unbundled.benchmarks;

import dev.unbundled.testkit.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What every run works with: the broker, the sizes, a scratch directory, fresh names and a log.
 *
 * <pre>{@code
 * try (Lab lab = Lab.start(Settings.smoke(), System.out)) {
 *     String topic = lab.name("products");
 * }
 * }</pre>
 */
public final class Lab implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final Settings settings;
    private final Path scratch;
    private final PrintStream log;
    private final AtomicInteger names = new AtomicInteger();

    private Lab(EmbeddedKafka kafka, Settings settings, Path scratch, PrintStream log) {
        this.kafka = kafka;
        this.settings = settings;
        this.scratch = scratch;
        this.log = log;
    }

    /**
     * Starts an embedded broker.
     *
     * @param settings the sizes
     * @param log where progress goes
     * @return the lab; close it
     */
    public static Lab start(Settings settings, PrintStream log) {
        try {
            Path scratch = Files.createTempDirectory("unbundled-bench");
            return new Lab(EmbeddedKafka.start(), settings, scratch, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the broker */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** @return the sizes */
    public Settings settings() {
        return settings;
    }

    /**
     * @param prefix what the name is for
     * @return a name not handed out before in this lab, for a topic, an application id or a directory
     */
    public String name(String prefix) {
        return prefix + "-" + names.incrementAndGet();
    }

    /**
     * @param prefix what the directory is for
     * @return a fresh, empty directory
     */
    public Path directory(String prefix) {
        try {
            return Files.createDirectories(scratch.resolve(name(prefix)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates a topic with the lab's partition count.
     *
     * @param prefix what the topic is for
     * @return its fresh name
     */
    public String topic(String prefix) {
        return topic(prefix, settings.partitions());
    }

    /**
     * Creates a topic. A loaded machine sometimes makes the broker's check that it leads every new partition
     * fail at once, with the topic not yet in the admin client's metadata; creating the topic again (which
     * leaves an existing one as it is) and checking again gets past that. It is logged, so it shows.
     *
     * @param prefix what the topic is for
     * @param partitions its partition count
     * @return its fresh name
     * @throws IllegalStateException if the topic's partitions are still not online after three tries
     */
    public String topic(String prefix, int partitions) {
        String topic = name(prefix);
        for (int attempt = 1; ; attempt++) {
            try {
                kafka.createTopic(topic, partitions);
                return topic;
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
                log("creating topic %s, try %d: %s; trying again", topic, attempt, e.getMessage());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    /**
     * Collects the garbage of earlier runs before a measured one. An earlier run leaves a dead store of
     * up to a million entries in the old generation; collecting it during the next run (G1's concurrent
     * marking makes every reference write of the running application slower) would bill one side for
     * the other's leftovers.
     */
    public void settle() {
        System.gc();
        System.gc();
    }

    /**
     * @param format a {@link String#format} pattern
     * @param args its arguments
     */
    public void log(String format, Object... args) {
        log.printf("[bench] " + format + "%n", args);
        log.flush();
    }

    /** Stops the broker and deletes the scratch directory. */
    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                log("could not delete %s: %s", scratch, e);
            }
        }
    }
}
