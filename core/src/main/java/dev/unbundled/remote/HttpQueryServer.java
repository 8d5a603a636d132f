package dev.unbundled.remote;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/** The JDK's HTTP(S) server with a pool of daemon workers, answering through a {@link QueryEndpoint}. */
final class HttpQueryServer {
    private final HttpServer server;
    private final ExecutorService workers;

    private HttpQueryServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /**
     * @param sslContext the TLS context to serve HTTPS with, or null for plain HTTP
     * @param bearerToken the token requests must carry, or null
     * @throws IOException if the address cannot be bound
     */
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static HttpQueryServer start(InetSocketAddress bind, QueryHandler handler, SSLContext sslContext,
                                 String bearerToken, int threads, int maxPageSize) throws IOException {
        // The JDK server writes a response's headers and body in separate packets; without TCP_NODELAY the
        // body waits for the client's delayed ACK of the headers, ~40 ms per read. The property is read once,
        // when the JVM's first HttpServer starts, so a user's own setting (true or false) wins.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        HttpServer server;
        if (sslContext == null) {
            server = HttpServer.create(bind, 0);
        } else {
            HttpsServer https = HttpsServer.create(bind, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext));
            server = https;
        }
        ExecutorService workers = Executors.newFixedThreadPool(threads, workerThreads());
        server.setExecutor(workers);
        server.createContext("/", new QueryEndpoint(handler, bearerToken, maxPageSize));
        server.start();
        return new HttpQueryServer(server, workers);
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "unbundled-query-" + count.incrementAndGet());
            // Serving reads must never keep a service's JVM alive on its own.
            thread.setDaemon(true);
            return thread;
        };
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening at once and stops the workers, interrupting reads still being answered. */
    void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
