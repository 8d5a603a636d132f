package dev.unbundled.remote;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTP(S) server with a bounded pool of daemon workers, answering through a {@link QueryEndpoint}.
 *
 * <p>A worker reads a request before it answers it, so a client that sends half a request holds a worker.
 * Two bounds keep a few such clients, or a burst, from starving every read: requests beyond the workers wait
 * in a bounded queue, and requests beyond the queue are answered 503 {@code NOT_READY} at once by one more
 * thread (if even that one is busy, the connection is closed); and the JDK server closes a connection whose
 * request is not read in full within {@value #DEFAULT_MAX_REQUEST_SECONDS} seconds.
 */
final class HttpQueryServer {
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    /** The JDK server's limit on the seconds a request may take to arrive; unlimited unless set. */
    static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";
    /** The limit set when the JVM sets none: a peer's request arrives in milliseconds. */
    static final long DEFAULT_MAX_REQUEST_SECONDS = 10;
    /** Requests the shedding thread may hold while it answers 503; more are closed unanswered. */
    private static final int SHED_QUEUE = 100;

    /** Set while a request beyond the queue is being refused: what to tell its client. */
    private static final ThreadLocal<String> OVERLOADED = new ThreadLocal<>();

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor shedder;

    private HttpQueryServer(HttpServer server, ThreadPoolExecutor workers, ThreadPoolExecutor shedder) {
        this.server = server;
        this.workers = workers;
        this.shedder = shedder;
    }

    /**
     * Starts serving.
     *
     * @param bind the address to listen on
     * @param handler answers the reads
     * @param sslContext the TLS context to serve HTTPS with, or null for plain HTTP
     * @param bearerToken the token requests must carry, or null
     * @param threads the workers
     * @param maxQueued the most requests that wait for a worker; more are answered 503
     * @param maxPageSize the most rows in one page of a scan
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    static HttpQueryServer start(InetSocketAddress bind, QueryHandler handler, SSLContext sslContext,
                                 String bearerToken, int threads, int maxQueued, int maxPageSize) throws IOException {
        // The JDK reads both properties once, when the JVM's first HttpServer starts, so a user's own setting
        // (or a server started earlier) wins. Without TCP_NODELAY the body of a response waits for the
        // client's delayed ACK of its headers, ~40 ms per read; without a request time a client that sends
        // half a request holds a worker forever.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        if (System.getProperty(MAX_REQUEST_TIME) == null) {
            System.setProperty(MAX_REQUEST_TIME, Long.toString(DEFAULT_MAX_REQUEST_SECONDS));
        }
        HttpServer server;
        if (sslContext == null) {
            server = HttpServer.create(bind, 0);
        } else {
            HttpsServer https = HttpsServer.create(bind, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext));
            server = https;
        }
        ThreadPoolExecutor workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(maxQueued), daemons("unbundled-query-"));
        ThreadPoolExecutor shedder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(SHED_QUEUE), daemons("unbundled-query-overloaded-"));
        String overloaded = "This instance is overloaded: its " + threads + " query threads are busy and " + maxQueued
                + " more requests wait; retry shortly, or give it more with HttpTransport.builder().threads(n)";
        server.setExecutor(dispatch(workers, shedder, overloaded));
        server.createContext("/", new QueryEndpoint(handler, bearerToken, maxPageSize, OVERLOADED::get));
        server.start();
        return new HttpQueryServer(server, workers, shedder);
    }

    /**
     * Runs each request on a worker, or, when every worker is busy and the queue is full, has the shedding
     * thread refuse it. A request not even that thread can take is rejected, and the JDK server closes its
     * connection.
     */
    private static Executor dispatch(ThreadPoolExecutor workers, ThreadPoolExecutor shedder, String overloaded) {
        return exchange -> {
            try {
                workers.execute(exchange);
            } catch (RejectedExecutionException full) {
                shedder.execute(() -> {
                    OVERLOADED.set(overloaded);
                    try {
                        exchange.run();
                    } finally {
                        OVERLOADED.remove();
                    }
                });
            }
        };
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
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
        shedder.shutdownNow();
    }
}
