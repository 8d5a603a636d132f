package dev.unbundled.examples.topsongs;

import dev.unbundled.Page;
import dev.unbundled.ViewException;
import dev.unbundled.examples.DemoSupport;
import dev.unbundled.examples.topsongs.TopSongs.Chart;
import dev.unbundled.examples.topsongs.TopSongs.ChartEntry;
import dev.unbundled.testkit.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The top-songs demo: two instances of {@link TopSongsService} share the charts, each serving a page that
 * shows every genre, while random plays keep arriving.
 *
 * <p>With {@code --demo}, the default when no bootstrap servers are given, it starts an embedded Kafka
 * broker, stocks a catalogue of songs, and runs two instances in this JVM on web ports 8080 and 8081
 * ({@code --web-port P} for P and P+1, 0 for any free ports). With {@code --bootstrap host:port} it runs one
 * instance against that cluster, creating the topics if they are missing; start it in two terminals with
 * different web ports, one of them with {@code --produce-plays} to stock the catalogue and play songs.
 *
 * <pre>{@code
 * mvn -B -q -pl examples -am compile exec:java@top-songs
 * mvn -B -q -pl examples -am compile exec:java@top-songs -Dexec.args="--bootstrap localhost:9092 --web-port 8080 --produce-plays"
 * }</pre>
 *
 * <p>Runs until Ctrl-C, or for {@code --seconds N}.
 */
public final class TopSongsDemo {
    private static final int PARTITIONS = 6;
    private static final int PLAYS_PER_SECOND = 5;
    private static final int FIRST_PLAYS = 300;
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String USAGE = "Usage: [--demo] [--bootstrap host:port] [--web-port P] [--host H]"
            + " [--state-dir DIR] [--produce-plays] [--seconds N]";

    private TopSongsDemo() {
    }

    /**
     * @param args see {@link #run(String[], PrintStream)}
     * @throws Exception if the demo fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * Runs the demo, printing to {@code out}.
     *
     * @param args {@code [--demo] [--bootstrap host:port] [--web-port P] [--host H] [--state-dir DIR]
     *     [--produce-plays] [--seconds N]}
     * @param out where the addresses and the charts are printed
     * @throws IllegalArgumentException if an argument is unknown or malformed
     * @throws Exception if the demo fails
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        Options options = Options.parse(args);
        if (options.demo()) {
            demo(options, out);
        } else {
            oneInstance(options, out);
        }
    }

    private static void demo(Options options, PrintStream out) throws Exception {
        int webPort = options.webPort().orElse(8080);
        Path state = options.stateDir().orElse(null);
        Path temporaryState = state == null ? Files.createTempDirectory("top-songs-demo-") : null;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String servers = kafka.bootstrapServers();
            kafka.createTopics(PARTITIONS, TopSongs.SONGS.name(), TopSongs.PLAYS.name());
            out.println("Started an embedded Kafka broker at " + servers);
            Path stateDir = state != null ? state : temporaryState;
            try (Jukebox jukebox = new Jukebox(servers);
                 TopSongsService first = TopSongsService.start(servers, options.host(), webPort, stateDir.resolve("1"));
                 TopSongsService second = TopSongsService.start(servers, options.host(),
                         webPort == 0 ? 0 : webPort + 1, stateDir.resolve("2"))) {
                jukebox.stockCatalogue();
                jukebox.play(FIRST_PLAYS);
                out.printf("Stocked %d songs in %s, and played %d of them%n", Jukebox.CATALOGUE.size(),
                        String.join(", ", Jukebox.genres()), FIRST_PLAYS);
                List<TopSongsService> instances = List.of(first, second);
                for (TopSongsService instance : instances) {
                    awaitEveryGenre(instance);
                }
                for (int i = 0; i < instances.size(); i++) {
                    TopSongsService instance = instances.get(i);
                    out.printf("Instance %d: open %s  (holds %s; answers other instances at %s)%n", i + 1,
                            instance.webAddress(), heldHere(instance), instance.queryAddress());
                }
                out.println("Both instances answer for every genre: JSON at /charts and /charts/{genre}.");
                jukebox.keepPlaying(PLAYS_PER_SECOND);
                out.printf("Playing %d random songs a second. %s%n", PLAYS_PER_SECOND, untilWhen(options));
                awaitStop(options);
                // a rebalance late in the run only delays the last answer
                printLeaders(() -> awaitEveryGenre(first), out);
            }
        } finally {
            if (temporaryState != null) {
                DemoSupport.deleteRecursively(temporaryState);
            }
        }
    }

    private static void oneInstance(Options options, PrintStream out) throws Exception {
        String servers = options.bootstrapServers().orElseThrow();
        DemoSupport.createTopicsIfMissing(servers, PARTITIONS, PATIENCE, out, TopSongs.SONGS.name(),
                TopSongs.PLAYS.name());
        int webPort = options.webPort().orElse(8080);
        Path state = options.stateDir().orElse(null);
        Path temporaryState = state == null ? Files.createTempDirectory("top-songs-") : null;
        try (TopSongsService service = TopSongsService.start(servers, options.host(), webPort,
                     state != null ? state : temporaryState);
             Jukebox jukebox = options.producePlays() ? new Jukebox(servers) : null) {
            if (jukebox != null) {
                jukebox.stockCatalogue();
                jukebox.keepPlaying(PLAYS_PER_SECOND);
                out.printf("Stocked %d songs; playing %d random songs a second%n", Jukebox.CATALOGUE.size(),
                        PLAYS_PER_SECOND);
            }
            service.awaitReady(PATIENCE);
            out.printf("Open %s  (answers other instances at %s; holds %s)%n", service.webAddress(),
                    service.queryAddress(), heldHere(service));
            out.println(untilWhen(options));
            awaitStop(options);
            printLeaders(() -> service.charts().page(100), out);
        } finally {
            if (temporaryState != null) {
                DemoSupport.deleteRecursively(temporaryState);
            }
        }
    }

    /** Waits until the instance's routed charts show every genre of the catalogue, and returns them. */
    private static Page<String, Chart> awaitEveryGenre(TopSongsService instance) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                Page<String, Chart> charts = instance.charts().page(100);
                if (charts.entries().size() == Jukebox.genres().size()) {
                    return charts;
                }
            } catch (ViewException stillStarting) {
                // not ready, or its internal topics are still being created by the instance that started first
                if (System.nanoTime() - deadline > 0) {
                    throw stillStarting;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The instance at " + instance.webAddress() + " did not show every genre"
                        + " within " + PATIENCE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static String heldHere(TopSongsService instance) {
        try (Stream<Map.Entry<String, Chart>> local = instance.charts().local().all()) {
            List<String> genres = local.map(Map.Entry::getKey).toList();
            return genres.isEmpty() ? "no genre yet" : String.join(", ", genres);
        } catch (ViewException e) {
            return "its partitions once they are ready";
        }
    }

    private static String untilWhen(Options options) {
        return options.seconds().isPresent() ? "Stopping in " + options.seconds().get() + " s." : "Ctrl-C stops.";
    }

    private static void awaitStop(Options options) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "top-songs-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (options.seconds().isPresent()) {
                stopped.await(options.seconds().get(), TimeUnit.SECONDS);
            } else {
                stopped.await();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is exiting anyway
            }
        }
    }

    private static void printLeaders(Supplier<Page<String, Chart>> charts, PrintStream out) {
        try {
            out.println("Number ones:");
            Page<String, Chart> page = charts.get();
            for (Map.Entry<String, Chart> genre : page.entries()) {
                Optional<ChartEntry> top = genre.getValue().entries().stream().findFirst();
                top.ifPresent(song -> out.printf("  %s: %s by %s, %d plays%n", genre.getKey(), song.title(),
                        song.artist(), song.plays()));
            }
        } catch (ViewException e) {
            out.println("  (the charts cannot be read right now: " + e.getMessage() + ")");
        }
    }

    /** The command line, parsed. */
    private record Options(boolean demo, Optional<String> bootstrapServers, Optional<Integer> webPort, String host,
                           Optional<Path> stateDir, boolean producePlays, Optional<Long> seconds) {

        static Options parse(String[] args) {
            boolean demo = false;
            boolean producePlays = false;
            String servers = null;
            Integer webPort = null;
            String host = "localhost";
            Path stateDir = null;
            Long seconds = null;
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String option = rest.remove(0);
                switch (option) {
                    case "--demo" -> demo = true;
                    case "--produce-plays" -> producePlays = true;
                    case "--bootstrap", "--bootstrap-servers" -> servers = value(option, rest);
                    case "--host" -> host = value(option, rest);
                    case "--state-dir" -> stateDir = Path.of(value(option, rest));
                    case "--web-port" -> webPort = (int) number(option, value(option, rest), 0, 65_534);
                    case "--seconds" -> seconds = number(option, value(option, rest), 1, Long.MAX_VALUE);
                    default -> throw new IllegalArgumentException("Unknown argument '" + option + "'. " + USAGE);
                }
            }
            if (demo && servers != null) {
                throw new IllegalArgumentException("--demo starts its own broker; leave out --bootstrap, or --demo");
            }
            if (producePlays && servers == null) {
                throw new IllegalArgumentException("--produce-plays is for a real cluster: the demo plays songs"
                        + " anyway. " + USAGE);
            }
            return new Options(servers == null, Optional.ofNullable(servers), Optional.ofNullable(webPort), host,
                    Optional.ofNullable(stateDir), producePlays, Optional.ofNullable(seconds));
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty() || rest.get(0).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value. " + USAGE);
            }
            return rest.remove(0);
        }

        private static long number(String option, String value, long min, long max) {
            try {
                long number = Long.parseLong(value);
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException notANumber) {
                // reported below, with the range
            }
            throw new IllegalArgumentException(option + " takes a number from " + min + " to " + max + ", not '"
                    + value + "'");
        }
    }
}
