package dev.unbundled.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The default {@link Transport}: JSON over HTTP/1.1 (or HTTPS given an {@link SSLContext}), served by a small
 * server of this package, and asked with one shared
 * {@link java.net.http.HttpClient}. Nothing beyond the JDK and Jackson.
 *
 * <p>Every instance of a service must use the same settings: the same bearer token, and TLS on all or none.
 *
 * <pre>{@code
 * HttpTransport transport = HttpTransport.builder()
 *         .bearerToken(System.getenv("QUERY_TOKEN"))
 *         .sslContext(sslContext)
 *         .build();
 * ViewRuntime runtime = ViewRuntime.builder()
 *         // ...
 *         .transport(transport)
 *         .start();
 * }</pre>
 *
 * <p>The server answers GET only; keys, values and bounds travel as base64url (no padding) of their serialised
 * bytes, and every body is JSON:
 * <table>
 * <caption>Endpoints</caption>
 * <tr><th>request</th><th>answer</th></tr>
 * <tr><td>{@code GET /views/{view}/keys/{key}?partition=N&maxLag=L}</td>
 *     <td>200 {@code {"value":"..","standby":false,"lag":0}}, or 404 {@code {"reason":"NO_ROW","standby":..,"lag":..}}
 *     when the view has no row for the key</td></tr>
 * <tr><td>{@code GET /views/{view}/rows?partitions=0,3,5&from=..&to=..&prefix=..&after=..&limit=N&maxLag=L}</td>
 *     <td>200 {@code {"rows":[{"key":"..","value":".."}],"more":true}}; {@code limit} defaults to, and is cut
 *     to, {@link Builder#maxPageSize}; an optional {@code maxBytes} to {@link Builder#maxPageBytes}</td></tr>
 * <tr><td>a refused read</td>
 *     <td>{@code {"reason":"<Reason>","message":".."}} with 400 {@code BAD_REQUEST}, 401 {@code UNAUTHORIZED},
 *     404 {@code UNKNOWN_VIEW}, 421 {@code NOT_HERE}, 503 {@code NOT_READY} (or 502 {@code UNREACHABLE} if the
 *     handler itself reports that); the client throws a {@link RemoteQueryException} with the same
 *     {@link RemoteQueryException.Reason} and the server's message after the instance's address</td></tr>
 * <tr><td>a read while {@link Builder#threads} reads are being answered and {@link Builder#maxQueuedRequests}
 *     more wait, or a large page while 64 MiB of pages wait for their clients</td>
 *     <td>503 {@code NOT_READY} at once, saying the instance is overloaded (routed reads retry it like any
 *     {@code NOT_READY})</td></tr>
 * <tr><td>a bound or {@code after} the view's key serde cannot read</td>
 *     <td>400 {@code BAD_REQUEST} (the runtime's handler refuses it before opening a store)</td></tr>
 * <tr><td>anything else</td>
 *     <td>405 for a method other than GET, 404 for a path outside {@code /views}, 400 (and the connection
 *     closed) for a request that is not HTTP/1.x or whose line and headers exceed 256 KiB, 500 if the handler
 *     failed unexpectedly (logged at WARN); the client reports 405, 404 and 500 as {@code UNREACHABLE}</td></tr>
 * </table>
 *
 * <p>The server is a small HTTP/1.1 server of this package on plain sockets (TLS through the {@link SSLContext}).
 * Limits that keep a slow or hostile client from starving reads, each set on this server alone:
 * <ul>
 * <li>Every connection has its own thread for all waiting on its client; at most {@link Builder#threads} of
 *     them compute answers at once, and none waits on its client while it does. A client that sends slowly, or
 *     asks and never reads, holds only its own connection's thread, and only until a watchdog closes the
 *     connection: when its request has not arrived
 *     within {@link Builder#maxRequestTime} (10 s), when it has not taken its reply within
 *     {@link Builder#maxReplyTime} (10 s), or when it has sent nothing for 30 s between requests. A request
 *     pipelined behind an unread reply is not read.</li>
 * <li>At most {@link Builder#maxConnections} (256) connections are open; a new one closes the open connection
 *     that has waited longest on its client (one whose answer is being computed is kept), so slow clients cannot
 *     lock fast ones out.</li>
 * <li>At most {@link Builder#maxQueuedRequests} requests wait for a query thread; more are refused with 503.</li>
 * <li>A request line and headers take at most 256 KiB; a scan names at most 10,000 partitions.</li>
 * <li>A page holds at most {@link Builder#maxPageSize} rows and {@link Builder#maxPageBytes} bytes of keys and
 *     values (1 MiB; a single larger row comes alone), so a routed scan of large values proceeds page by page.
 *     Replies over 64 KiB waiting for their clients to take them hold at most 64 MiB (or four pages, if more)
 *     in all; a large reply beyond that is refused with 503 {@code NOT_READY} (the one large reply held alone is
 *     always sent).</li>
 * <li>The client reads replies of at most 64 MiB; a larger one is refused as {@code UNREACHABLE}.</li>
 * <li>The server listens on the address the runtime gives it (the advertised one), or on
 *     {@link Builder#bindAddress} if set.</li>
 * </ul>
 */
public final class HttpTransport implements Transport {
    private final String bearerToken;
    private final SSLContext sslContext;
    private final int threads;
    private final int maxQueuedRequests;
    private final int maxPageSize;
    private final int maxPageBytes;
    private final String bindAddress;
    private final HttpQueryServer.Limits limits;
    private final HttpQueryClient client;

    private HttpQueryServer server;
    private volatile boolean closed;

    private HttpTransport(Builder builder) {
        this.bearerToken = builder.bearerToken;
        this.sslContext = builder.sslContext;
        this.threads = builder.threads != null ? builder.threads : 4;
        this.maxQueuedRequests = builder.maxQueuedRequests != null ? builder.maxQueuedRequests : 1_000;
        this.maxPageSize = builder.maxPageSize != null ? builder.maxPageSize : 1000;
        this.maxPageBytes = builder.maxPageBytes != null ? builder.maxPageBytes : 1024 * 1024;
        this.bindAddress = builder.bindAddress;
        this.limits = new HttpQueryServer.Limits(builder.maxConnections != null ? builder.maxConnections : 256,
                builder.maxRequestTime != null ? builder.maxRequestTime : Duration.ofSeconds(10),
                builder.maxReplyTime != null ? builder.maxReplyTime : Duration.ofSeconds(10), Duration.ofSeconds(30),
                Math.max(64L * 1024 * 1024, 4L * maxPageBytes));
        this.client = new HttpQueryClient(sslContext, bearerToken,
                builder.requestTimeout != null ? builder.requestTimeout : Duration.ofSeconds(5));
    }

    /**
     * Returns a transport with the defaults: plain HTTP, no token, 4 reads answered at once with up to 1000
     * more waiting, 5 s request timeout, pages of at most 1000 rows and 1 MiB, at most 256 connections, 10 s
     * for a request to arrive and for its reply to be taken. Use it only on a network that only your service's
     * instances can reach.
     *
     * <pre>{@code
     * try (HttpTransport transport = HttpTransport.create()) {
     *     int port = transport.serve(new InetSocketAddress(7070), handler);
     * }
     * }</pre>
     *
     * @return a new transport; close it
     */
    public static HttpTransport create() {
        return builder().build();
    }

    /**
     * Starts configuring a transport.
     *
     * <pre>{@code
     * HttpTransport transport = HttpTransport.builder().bearerToken(token).threads(8).build();
     * }</pre>
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the HTTP(S) server. The runtime calls this; call it yourself only to test a {@link QueryHandler}.
     *
     * <pre>{@code
     * int port = transport.serve(new InetSocketAddress("0.0.0.0", 7070), handler);
     * }</pre>
     *
     * @param bind the address to listen on, unless {@link Builder#bindAddress} names another host; port 0 picks
     *        a free port
     * @param handler answers reads from this instance's local state
     * @return the port actually bound
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException if this transport already serves, or was closed
     */
    @Override
    public synchronized int serve(InetSocketAddress bind, QueryHandler handler) throws IOException {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        if (server != null) {
            throw new IllegalStateException("This HttpTransport already serves on port " + server.port()
                    + "; a transport serves once, so build another one for a second server");
        }
        InetSocketAddress listen = bindAddress == null ? bind : new InetSocketAddress(bindAddress, bind.getPort());
        if (listen.isUnresolved()) {
            throw new IOException("Cannot listen on " + listen.getHostString() + ": the name does not resolve; give"
                    + " HttpTransport.builder().bindAddress(..) an address of this machine");
        }
        server = HttpQueryServer.start(listen, new QueryEndpoint(handler, bearerToken, maxPageSize, maxPageBytes),
                sslContext, limits, threads, maxQueuedRequests);
        return server.port();
    }

    /** @return the running server, or null before {@link #serve} */
    synchronized HttpQueryServer server() {
        return server;
    }

    /**
     * Reads one key at another instance.
     *
     * <pre>{@code
     * KeyAnswer answer = transport.get("10.0.0.8:7070", new KeyRequest("top-songs", keyBytes, 3, -1));
     * byte[] value = answer.value(); // null if the view has no row for the key
     * }</pre>
     *
     * @param instance the instance, as {@code host:port}
     * @param request the read
     * @return the answer; its value is null if the view has no row for the key
     * @throws RemoteQueryException if the instance refused the read (with its reason) or could not be reached,
     *         answered nonsense or took longer than the request timeout ({@code UNREACHABLE})
     * @throws IllegalArgumentException if {@code instance} is not {@code host:port}
     * @throws IllegalStateException if this transport was closed
     */
    @Override
    public KeyAnswer get(String instance, KeyRequest request) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(request, "request");
        requireOpen();
        return client.get(instance, request);
    }

    /**
     * Reads a page of a scan at another instance. Pass the last key of a page as the next request's
     * {@code after} until the answer says there is no more.
     *
     * <pre>{@code
     * ScanAnswer page = transport.scan("10.0.0.8:7070",
     *         new ScanRequest("top-songs", List.of(0, 3), null, null, null, null, 500, -1));
     * }</pre>
     *
     * @param instance the instance, as {@code host:port}
     * @param request the scan; the server cuts its limit to its {@link Builder#maxPageSize}
     * @return the page
     * @throws RemoteQueryException as {@link #get}
     * @throws IllegalArgumentException if {@code instance} is not {@code host:port}
     * @throws IllegalStateException if this transport was closed
     */
    @Override
    public ScanAnswer scan(String instance, ScanRequest request) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(request, "request");
        requireOpen();
        return client.scan(instance, request);
    }

    /**
     * Stops the server at once, without waiting for reads in flight, and its threads. Further reads
     * through this transport throw {@link IllegalStateException}. Closing again does nothing.
     *
     * <pre>{@code
     * try (HttpTransport transport = HttpTransport.create()) {
     *     transport.serve(new InetSocketAddress(0), handler);
     * } // closed here
     * }</pre>
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This HttpTransport was closed; build a new one");
        }
    }

    /**
     * Configures an {@link HttpTransport}; each setting can be set once.
     *
     * <pre>{@code
     * HttpTransport transport = HttpTransport.builder()
     *         .bearerToken(System.getenv("QUERY_TOKEN"))
     *         .requestTimeout(Duration.ofSeconds(2))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private String bearerToken;
        private SSLContext sslContext;
        private Integer threads;
        private Integer maxQueuedRequests;
        private Duration requestTimeout;
        private Integer maxPageSize;
        private Integer maxPageBytes;
        private Integer maxConnections;
        private Duration maxRequestTime;
        private Duration maxReplyTime;
        private String bindAddress;

        private Builder() {
        }

        /**
         * Requires {@code Authorization: Bearer <token>} on every request the server answers, and sends it with
         * every request the client makes. Give every instance of the service the same token; send it over TLS
         * ({@link #sslContext}) unless the network is private.
         *
         * <pre>{@code
         * HttpTransport.builder().bearerToken(System.getenv("QUERY_TOKEN"))
         * }</pre>
         *
         * @param token the shared secret: visible ASCII, no spaces
         * @return this builder
         * @throws IllegalArgumentException if the token is blank or holds characters an HTTP header cannot carry
         * @throws IllegalStateException if already set
         */
        public Builder bearerToken(String token) {
            Objects.requireNonNull(token, "token");
            if (bearerToken != null) {
                // The token is a secret, so unlike other settings it is not repeated in the message.
                throw new IllegalStateException("bearerToken was already set");
            }
            if (token.isEmpty()) {
                throw new IllegalArgumentException("bearerToken must not be empty; use a long random secret, such as"
                        + " the output of 'openssl rand -base64 32'");
            }
            if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("bearerToken may hold only visible ASCII characters and no spaces,"
                        + " as it travels in an HTTP header; base64-encode your secret");
            }
            this.bearerToken = token;
            return this;
        }

        /**
         * Serves HTTPS with this context's key, and trusts the servers this context's trust managers trust.
         * Every instance must then use TLS, and its certificate must name the host it advertises.
         *
         * <pre>{@code
         * SSLContext tls = SSLContext.getInstance("TLS");
         * tls.init(keyManagerFactory.getKeyManagers(), trustManagerFactory.getTrustManagers(), null);
         * HttpTransport.builder().sslContext(tls)
         * }</pre>
         *
         * @param sslContext an initialised context with a key manager and a trust manager
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder sslContext(SSLContext sslContext) {
            Objects.requireNonNull(sslContext, "sslContext");
            requireUnset("sslContext", this.sslContext);
            this.sslContext = sslContext;
            return this;
        }

        /**
         * Sets how many reads the server answers at once. Each connection has a daemon thread named
         * {@code unbundled-query-<n>} that reads its requests and writes its replies; this many of them compute
         * answers at the same time, and the others wait for their turn (see {@link #maxQueuedRequests}). Defaults
         * to 4.
         *
         * <pre>{@code
         * HttpTransport.builder().threads(8)
         * }</pre>
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code threads} is less than 1
         * @throws IllegalStateException if already set
         */
        public Builder threads(int threads) {
            requireUnset("threads", this.threads);
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads
                        + "; the server needs a thread to answer reads");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Sets how many requests may wait for a free server thread. A request beyond them is answered at once
         * with 503 {@code NOT_READY}, saying the instance is overloaded, instead of waiting behind the others.
         * Defaults to 1000.
         *
         * <pre>{@code
         * HttpTransport.builder().threads(8).maxQueuedRequests(200)
         * }</pre>
         *
         * @param requests at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code requests} is less than 1
         * @throws IllegalStateException if already set
         */
        public Builder maxQueuedRequests(int requests) {
            requireUnset("maxQueuedRequests", this.maxQueuedRequests);
            if (requests < 1) {
                throw new IllegalArgumentException("maxQueuedRequests must be at least 1, was " + requests
                        + "; it bounds how many requests wait for a server thread");
            }
            this.maxQueuedRequests = requests;
            return this;
        }

        /**
         * Sets how long the client waits to connect, and then for an answer, before it reports the instance
         * {@code UNREACHABLE}. Defaults to 5 seconds.
         *
         * <pre>{@code
         * HttpTransport.builder().requestTimeout(Duration.ofSeconds(2))
         * }</pre>
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         * @throws IllegalStateException if already set
         */
        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            requireUnset("requestTimeout", this.requestTimeout);
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /**
         * Sets the most rows the server returns in one page of a scan, whatever limit a request asks for.
         * Defaults to 1000.
         *
         * <pre>{@code
         * HttpTransport.builder().maxPageSize(500)
         * }</pre>
         *
         * @param rows at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code rows} is less than 1
         * @throws IllegalStateException if already set
         */
        public Builder maxPageSize(int rows) {
            requireUnset("maxPageSize", this.maxPageSize);
            if (rows < 1) {
                throw new IllegalArgumentException("maxPageSize must be at least 1, was " + rows
                        + "; it bounds how many rows one page of a scan may hold");
            }
            this.maxPageSize = rows;
            return this;
        }

        /**
         * Sets the most bytes of keys and values the server returns in one page of a scan. A page stops before the
         * row that would take it over, and says there is more; its first row comes whatever its size. Keep a page
         * well under the 64 MiB a client reads: its JSON is a third larger than its bytes. Defaults to 1 MiB.
         *
         * <pre>{@code
         * HttpTransport.builder().maxPageBytes(4 * 1024 * 1024)
         * }</pre>
         *
         * @param bytes from 1 to 32 MiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is less than 1 or more than 32 MiB
         * @throws IllegalStateException if already set
         */
        public Builder maxPageBytes(int bytes) {
            requireUnset("maxPageBytes", this.maxPageBytes);
            if (bytes < 1 || bytes > 32 * 1024 * 1024) {
                throw new IllegalArgumentException("maxPageBytes must be from 1 to 33554432 (32 MiB), was " + bytes
                        + "; a client reads replies of at most 64 MiB");
            }
            this.maxPageBytes = bytes;
            return this;
        }

        /**
         * Sets the most connections the server holds open. A connection beyond them closes the open one that has
         * waited longest on its client (sending a request, taking a reply, or idle), or is itself closed if every
         * open connection is being answered. Each open connection has a thread. Defaults to 256.
         *
         * <pre>{@code
         * HttpTransport.builder().maxConnections(1024)
         * }</pre>
         *
         * @param connections at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code connections} is less than 1
         * @throws IllegalStateException if already set
         */
        public Builder maxConnections(int connections) {
            requireUnset("maxConnections", this.maxConnections);
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, was " + connections
                        + "; the server needs a connection to answer reads");
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * Sets how long the server waits for a request's line and headers, from the connection's opening or the
         * request's first byte, before it closes the connection. Defaults to 10 seconds; a peer sends its request
         * in milliseconds.
         *
         * <pre>{@code
         * HttpTransport.builder().maxRequestTime(Duration.ofSeconds(2))
         * }</pre>
         *
         * @param time a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code time} is zero or negative
         * @throws IllegalStateException if already set
         */
        public Builder maxRequestTime(Duration time) {
            Objects.requireNonNull(time, "time");
            requireUnset("maxRequestTime", this.maxRequestTime);
            this.maxRequestTime = positive("maxRequestTime", time);
            return this;
        }

        /**
         * Sets how long the server lets a client take to read one reply before it closes the connection, so that
         * a client that asks and does not read holds nothing for longer. Defaults to 10 seconds: give a slow link
         * and large pages ({@link #maxPageBytes}) more.
         *
         * <pre>{@code
         * HttpTransport.builder().maxReplyTime(Duration.ofSeconds(30))
         * }</pre>
         *
         * @param time a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code time} is zero or negative
         * @throws IllegalStateException if already set
         */
        public Builder maxReplyTime(Duration time) {
            Objects.requireNonNull(time, "time");
            requireUnset("maxReplyTime", this.maxReplyTime);
            this.maxReplyTime = positive("maxReplyTime", time);
            return this;
        }

        /**
         * Listens on this host's address rather than on the one the runtime asks for (the address it advertises).
         * Use {@code "0.0.0.0"} to listen on every interface, for instance when the advertised name belongs to a
         * load balancer or a container's host rather than to this machine.
         *
         * <pre>{@code
         * HttpTransport.builder().bindAddress("0.0.0.0")
         * }</pre>
         *
         * @param host an address or name of this machine
         * @return this builder
         * @throws IllegalArgumentException if {@code host} is blank
         * @throws IllegalStateException if already set
         */
        public Builder bindAddress(String host) {
            Objects.requireNonNull(host, "host");
            requireUnset("bindAddress", this.bindAddress);
            if (host.isBlank()) {
                throw new IllegalArgumentException("bindAddress must name an address of this machine, such as"
                        + " \"0.0.0.0\" for every interface, was blank");
            }
            this.bindAddress = host;
            return this;
        }

        /**
         * Builds the transport. It serves nothing until {@link HttpTransport#serve} is called.
         *
         * <pre>{@code
         * HttpTransport transport = HttpTransport.builder().threads(2).build();
         * }</pre>
         *
         * @return a new transport; close it
         */
        public HttpTransport build() {
            return new HttpTransport(this);
        }

        private static Duration positive(String setting, Duration time) {
            if (time.isZero() || time.isNegative()) {
                throw new IllegalArgumentException(setting + " must be positive, was " + time
                        + "; pass e.g. Duration.ofSeconds(5)");
            }
            return time;
        }

        private static void requireUnset(String setting, Object current) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set to " + current);
            }
        }
    }
}
