package dev.unbundled.examples.topsongs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.unbundled.Page;
import dev.unbundled.Read;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewException;
import dev.unbundled.examples.topsongs.TopSongs.Chart;
import dev.unbundled.examples.topsongs.TopSongs.ChartEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The web side of a {@link TopSongsService}: the page, and the charts as JSON. */
final class ChartsEndpoint implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ChartsEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHARTS = "/charts";
    private static final int PAGE_SIZE = 100;

    private final ReadOnlyView<String, Chart> charts;
    private final String instance;
    private final byte[] page;

    /**
     * One genre's chart, and the instance that answered for it.
     *
     * @param genre the genre
     * @param answeredBy the query address of the instance that holds the genre
     * @param entries the chart
     */
    record GenreChart(String genre, String answeredBy, List<ChartEntry> entries) {
    }

    /**
     * Every genre's chart, in genre order.
     *
     * @param instance the query address of the instance that served the request
     * @param charts the charts
     */
    record AllCharts(String instance, List<GenreChart> charts) {
    }

    /** @param error what went wrong, and what to do */
    record Problem(String error) {
    }

    ChartsEndpoint(ReadOnlyView<String, Chart> charts, String instance) {
        this.charts = Objects.requireNonNull(charts, "charts");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.page = resource("index.html");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                json(exchange, 405, new Problem("Only GET is served here"));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/")) {
                send(exchange, 200, "text/html; charset=utf-8", page);
            } else if (path.equals(CHARTS)) {
                json(exchange, 200, new AllCharts(instance, allCharts()));
            } else if (path.startsWith(CHARTS + "/")) {
                Optional<GenreChart> chart = genre(path.substring(CHARTS.length() + 1)).flatMap(this::chart);
                if (chart.isPresent()) {
                    json(exchange, 200, chart.get());
                } else {
                    json(exchange, 404, new Problem("No chart for '" + path.substring(CHARTS.length() + 1)
                            + "': no song of that genre has been played; GET /charts lists the genres"));
                }
            } else {
                json(exchange, 404, new Problem("Nothing at " + path + "; try / or /charts"));
            }
        } catch (ViewException e) {
            // expected while the instances start or share out partitions (ViewNotReadyException), and while
            // the first instance is still creating the internal topics: the page retries
            exchange.getResponseHeaders().set("Retry-After", "1");
            json(exchange, 503, new Problem(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Could not answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            json(exchange, 500, new Problem(String.valueOf(e.getMessage())));
        } finally {
            exchange.close();
        }
    }

    private List<GenreChart> allCharts() {
        List<GenreChart> all = new ArrayList<>();
        Page<String, Chart> genres = charts.page(PAGE_SIZE);
        while (true) {
            for (Map.Entry<String, Chart> genre : genres.entries()) {
                // read again, one genre at a time, to learn which instance holds it
                chart(genre.getKey()).ifPresent(all::add);
            }
            if (genres.next().isEmpty()) {
                return all;
            }
            genres = charts.nextPage(genres.next().get(), PAGE_SIZE);
        }
    }

    private Optional<GenreChart> chart(String genre) {
        Read<Chart> read = charts.read(genre);
        return read.value().map(chart -> new GenreChart(genre, read.instance(), chart.entries()));
    }

    private static Optional<String> genre(String rawSegment) {
        if (rawSegment.isEmpty() || rawSegment.contains("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(URLDecoder.decode(rawSegment, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ChartsEndpoint.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The page " + name + " is missing from the classpath, next to "
                        + ChartsEndpoint.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the page " + name, e);
        }
    }
}
