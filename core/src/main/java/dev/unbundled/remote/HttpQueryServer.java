package dev.unbundled.remote;

import dev.unbundled.remote.RemoteQueryException.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for {@link QueryEndpoint}, on plain sockets (TLS through {@link SSLContext}), that
 * keeps hostile or broken clients from starving reads.
 *
 * <p>Each connection has a thread of its own that does all the waiting on its client ({@link HttpConnection}),
 * and computes answers while it holds one of {@code threads} permits, never while it waits on its client. A watchdog closes every connection whose request has not arrived within
 * {@link Limits#maxRequestTime}, whose reply has not been taken within {@link Limits#maxReplyTime}, or which has
 * idled for {@link Limits#idleTime}. When {@link Limits#maxConnections} are open, a new connection closes the one
 * that has waited longest on its client, so that slow clients cannot lock the others out. Large replies being
 * written are held to {@link Limits#replyBytes} in all.
 */
final class HttpQueryServer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final int BACKLOG = 128;
    private static final long TICK_MILLIS = 50;

    /**
     * The server's bounds on clients.
     *
     * @param maxConnections the most connections held open at once
     * @param maxRequestTime the longest a request's line and headers may take to arrive
     * @param maxReplyTime the longest a client may take to read a reply
     * @param idleTime the longest a kept-alive connection may wait for its next request
     * @param replyBytes the most bytes of large replies held while their clients take them; a large reply beyond
     *        them is refused 503, unless no other is held
     */
    record Limits(int maxConnections, Duration maxRequestTime, Duration maxReplyTime, Duration idleTime,
                  long replyBytes) {
    }

    /** Replies up to this size are not counted against {@link Limits#replyBytes}: the sockets' buffers hold them. */
    static final int SMALL_REPLY = 64 * 1024;

    private final ServerSocket listener;
    private final QueryEndpoint endpoint;
    private final SSLContext sslContext;
    private final Limits limits;
    /** One per query thread: how many requests are answered at once. */
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();
    /** The bytes of the large replies being written now. */
    private final AtomicLong replyBytes = new AtomicLong();
    private final int maxQueued;
    private final ExecutorService connectionThreads;
    private final ScheduledExecutorService watchdog;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final QueryEndpoint.Reply overloaded;
    private volatile boolean closed;

    private HttpQueryServer(ServerSocket listener, QueryEndpoint endpoint, SSLContext sslContext, Limits limits,
                            int threads, int maxQueued) {
        this.listener = listener;
        this.endpoint = endpoint;
        this.sslContext = sslContext;
        this.limits = limits;
        this.permits = new Semaphore(threads, true);
        this.maxQueued = maxQueued;
        this.connectionThreads = Executors.newCachedThreadPool(daemons("unbundled-query-"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemons("unbundled-query-watchdog-"));
        this.overloaded = QueryEndpoint.Reply.error(HttpProtocol.status(Reason.NOT_READY), Reason.NOT_READY.name(),
                "This instance is overloaded: its " + threads + " query threads are busy and " + maxQueued
                        + " more requests wait; retry shortly, or give it more with"
                        + " HttpTransport.builder().threads(n)");
    }

    /**
     * Starts serving.
     *
     * @param bind the address to listen on
     * @param endpoint answers the requests
     * @param sslContext the TLS context to serve HTTPS with, or null for plain HTTP
     * @param limits the bounds on clients
     * @param threads how many requests are answered at once
     * @param maxQueued the most requests that wait for their turn; more are answered 503
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    static HttpQueryServer start(InetSocketAddress bind, QueryEndpoint endpoint, SSLContext sslContext, Limits limits,
                                 int threads, int maxQueued) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(bind, BACKLOG);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        HttpQueryServer server = new HttpQueryServer(listener, endpoint, sslContext, limits, threads, maxQueued);
        server.watchdog.scheduleWithFixedDelay(server::expireLate, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        Thread acceptor = daemons("unbundled-query-acceptor-").newThread(server::accept);
        acceptor.start();
        return server;
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (SocketException e) {
                // Closing the listener ends the wait for a connection.
                return;
            } catch (IOException e) {
                LOG.debug("Accepting a query connection failed: {}", e.toString());
                continue;
            }
            if (connections.size() >= limits.maxConnections() && !evictOne()) {
                LOG.debug("Refused a query connection from {}: {} connections are open and all are being"
                        + " answered", socket.getRemoteSocketAddress(), connections.size());
                closeQuietly(socket);
                continue;
            }
            HttpConnection connection = new HttpConnection(this, socket, sslContext);
            connections.add(connection);
            if (closed) {
                // close() may have closed the open connections before this one was added.
                connection.close();
                return;
            }
            try {
                connectionThreads.execute(connection);
            } catch (RejectedExecutionException e) {
                connections.remove(connection);
                closeQuietly(socket);
            }
        }
    }

    /** Closes the connection that has waited longest on its client; a connection being answered is kept. */
    private boolean evictOne() {
        HttpConnection victim = connections.stream()
                .filter(connection -> connection.phase() != HttpConnection.Phase.ANSWERING)
                .min(Comparator.comparingLong(HttpConnection::phaseStart))
                .orElse(null);
        if (victim == null) {
            return false;
        }
        connections.remove(victim);
        victim.evict();
        return true;
    }

    private void expireLate() {
        long now = System.nanoTime();
        for (HttpConnection connection : connections) {
            try {
                if (connection.expireIfLate(now)) {
                    connections.remove(connection);
                }
            } catch (RuntimeException e) {
                // A failure escaping would cancel the watchdog for good, and with it every limit on clients.
                LOG.warn("The query server's watchdog failed on a connection, which is a bug in Unbundled", e);
            }
        }
    }

    /**
     * Answers a request on the connection's own thread once one of the query permits is free, or 503 at once if
     * none is and {@code maxQueued} other requests already wait for one. Answering on the thread that read the
     * request saves handing it to another, which costs a quarter of the throughput on two cores.
     */
    QueryEndpoint.Reply answer(HttpRequestHead head) throws IOException {
        if (!permits.tryAcquire()) {
            if (waiting.incrementAndGet() > maxQueued) {
                waiting.decrementAndGet();
                LOG.debug("Refused {} {} as {}: every query thread is busy", head.method(), head.rawPath(),
                        Reason.NOT_READY);
                return overloaded;
            }
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("The query server is closing", e);
            } finally {
                waiting.decrementAndGet();
            }
        }
        QueryEndpoint.Reply reply;
        try {
            reply = endpoint.answer(head.method(), head.rawPath(), head.rawQuery(), head.header("authorization"));
        } finally {
            permits.release();
        }
        if (reply.length() > SMALL_REPLY && !reserve(reply.length())) {
            LOG.debug("Refused {} {} as {}: {} bytes of replies wait for their clients", head.method(),
                    head.rawPath(), Reason.NOT_READY, replyBytes.get());
            return QueryEndpoint.Reply.error(HttpProtocol.status(Reason.NOT_READY), Reason.NOT_READY.name(),
                    "This instance is overloaded: " + replyBytes.get() + " bytes of replies wait for their clients"
                            + " to read them; retry shortly");
        }
        return reply;
    }

    /**
     * Counts a large reply against {@link Limits#replyBytes}, so that clients that ask for large pages and do not
     * read them cannot fill the heap; the one large reply held alone is always allowed, however large.
     */
    private boolean reserve(int bytes) {
        while (true) {
            long held = replyBytes.get();
            if (held > 0 && held + bytes > limits.replyBytes()) {
                return false;
            }
            if (replyBytes.compareAndSet(held, held + bytes)) {
                return true;
            }
        }
    }

    /** Releases what {@link #answer} counted for a reply, once it is written or its connection is gone. */
    void written(QueryEndpoint.Reply reply) {
        if (reply.length() > SMALL_REPLY) {
            replyBytes.addAndGet(-reply.length());
        }
    }

    /** @return the bytes of large replies being written now */
    long replyBytesHeld() {
        return replyBytes.get();
    }

    QueryEndpoint.Reply malformed(String message) {
        return QueryEndpoint.Reply.error(HttpProtocol.status(Reason.BAD_REQUEST), Reason.BAD_REQUEST.name(),
                message + "; Unbundled serves HTTP/1.1 GET requests");
    }

    long limitNanos(HttpConnection.Phase phase) {
        return switch (phase) {
            case IDLE -> limits.idleTime().toNanos();
            case READING -> limits.maxRequestTime().toNanos();
            case WRITING -> limits.maxReplyTime().toNanos();
            case ANSWERING -> Long.MAX_VALUE;
        };
    }

    String limitText(HttpConnection.Phase phase) {
        return switch (phase) {
            case IDLE -> limits.idleTime().toMillis() + " ms";
            case READING -> limits.maxRequestTime().toMillis() + " ms (HttpTransport.Builder.maxRequestTime)";
            case WRITING -> limits.maxReplyTime().toMillis() + " ms (HttpTransport.Builder.maxReplyTime)";
            case ANSWERING -> "no limit";
        };
    }

    void closed(HttpConnection connection) {
        connections.remove(connection);
    }

    /** @return the connections open now */
    int openConnections() {
        return connections.size();
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

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing a refused query connection failed: {}", e.toString());
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** @return the address listened on */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Stops listening at once, closes every connection and stops the threads, interrupting reads in flight. */
    void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("Closing the query server's socket failed: {}", e.toString());
        }
        watchdog.shutdownNow();
        connections.forEach(HttpConnection::close);
        connections.clear();
        connectionThreads.shutdownNow();
    }
}
