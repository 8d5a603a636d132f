package dev.unbundled.examples.topsongs;

import com.sun.net.httpserver.HttpServer;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewRuntime;
import dev.unbundled.examples.topsongs.TopSongs.Chart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of the top-songs service: it runs {@link TopSongs#TOP_FIVE_PER_GENRE}, holds some of its
 * partitions, answers the other instances' reads, and serves the charts over HTTP.
 *
 * <ul>
 *   <li>{@code GET /} a page that shows every genre's chart and refreshes itself every second;</li>
 *   <li>{@code GET /charts} every genre's chart as JSON, with the instance that answered for each genre;</li>
 *   <li>{@code GET /charts/{genre}} one genre's chart, or 404 if the genre has none.</li>
 * </ul>
 *
 * <p>The charts are read through the routed view, so every instance answers for every genre: a genre held
 * by another instance is asked of that instance.
 *
 * <pre>{@code
 * try (TopSongsService service = TopSongsService.start("localhost:9092", "localhost", 8080, stateDir)) {
 *     service.awaitReady(Duration.ofSeconds(60));
 *     System.out.println("Open " + service.webAddress());
 *     waitForShutdown();
 * }
 * }</pre>
 */
public final class TopSongsService implements AutoCloseable {
    /** The Kafka Streams application id every instance shares. */
    public static final String APPLICATION_ID = "top-songs";

    private final ViewRuntime runtime;
    private final HttpServer web;
    private final ExecutorService webWorkers;
    private final URI webAddress;

    private TopSongsService(ViewRuntime runtime, HttpServer web, ExecutorService webWorkers, URI webAddress) {
        this.runtime = runtime;
        this.web = web;
        this.webWorkers = webWorkers;
        this.webAddress = webAddress;
    }

    /**
     * Starts an instance: its views, its query server on a free port, and its web server.
     *
     * @param bootstrapServers the Kafka cluster, where the {@link TopSongs#SONGS} and {@link TopSongs#PLAYS}
     *     topics exist
     * @param host the host name other instances and browsers reach this instance at; the web server
     *     listens on that address only
     * @param webPort the web server's port, 0 for any free port (see {@link #webAddress()})
     * @param stateDir where this instance keeps its local state; each instance on a machine needs its own
     * @return the running instance; close it
     * @throws NullPointerException if an argument is null
     * @throws UncheckedIOException if the web server cannot listen at {@code host:webPort}
     * @throws dev.unbundled.ViewException if the topics do not exist or the cluster cannot be reached
     */
    public static TopSongsService start(String bootstrapServers, String host, int webPort, Path stateDir) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stateDir, "stateDir");
        ViewRuntime runtime = ViewRuntime.builder()
                .applicationId(APPLICATION_ID)
                .bootstrapServers(bootstrapServers)
                .stateDir(stateDir)
                .advertise(host, 0)
                .view(TopSongs.TOP_FIVE_PER_GENRE)
                .start();
        ExecutorService workers = Executors.newFixedThreadPool(4, daemonThreads());
        try {
            HttpServer web = HttpServer.create(new InetSocketAddress(host, webPort), 0);
            web.setExecutor(workers);
            ReadOnlyView<String, Chart> charts = runtime.view(TopSongs.TOP_FIVE_PER_GENRE);
            web.createContext("/", new ChartsEndpoint(charts, runtime.queryAddress().orElseThrow()));
            web.start();
            URI address = URI.create("http://" + host + ":" + web.getAddress().getPort() + "/");
            return new TopSongsService(runtime, web, workers, address);
        } catch (IOException | RuntimeException e) {
            workers.shutdownNow();
            runtime.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("Cannot serve the top-songs page at " + host + ":" + webPort
                        + " (" + io.getMessage() + "); choose another port, or 0 for any free one", io);
            }
            throw (RuntimeException) e;
        }
    }

    /** @return where browsers open this instance's page, such as {@code http://localhost:8080/} */
    public URI webAddress() {
        return webAddress;
    }

    /** @return the {@code host:port} other instances read this instance's partitions at */
    public String queryAddress() {
        return runtime.queryAddress().orElseThrow();
    }

    /**
     * Waits until this instance's partitions of the charts are ready and caught up with the plays and songs
     * already written.
     *
     * @param timeout how long to wait at most
     * @throws dev.unbundled.ViewNotReadyException if the charts are not ready in time, naming what they wait for
     */
    public void awaitReady(Duration timeout) {
        runtime.view(TopSongs.TOP_FIVE_PER_GENRE).awaitReady(timeout);
    }

    /** @return the charts, routed: every genre answered by the instance that holds it */
    ReadOnlyView<String, Chart> charts() {
        return runtime.view(TopSongs.TOP_FIVE_PER_GENRE);
    }

    /** Stops the web server, then the views, leaving the group so that other instances take over at once. */
    @Override
    public void close() {
        web.stop(0);
        webWorkers.shutdownNow();
        runtime.close();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "top-songs-web-" + count.incrementAndGet());
            // the page must never keep the JVM alive on its own
            thread.setDaemon(true);
            return thread;
        };
    }
}
