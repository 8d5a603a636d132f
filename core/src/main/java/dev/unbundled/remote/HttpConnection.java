package dev.unbundled.remote;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection to {@link HttpQueryServer}, served by its own thread: reads a request, answers it when
 * the server lets it ({@link HttpQueryServer#answer}), writes the reply, and repeats while the client keeps the
 * connection open.
 *
 * <p>The thread waits on its client without holding a query permit: a client that sends slowly, or does not read what it
 * asked for, holds only this connection's thread, and only until the server's watchdog sees the
 * {@linkplain #deadline deadline} of the current phase pass and closes the socket under it. Requests pipelined
 * behind an unread reply are not read at all.
 */
final class HttpConnection implements Runnable {
    // Named after the public class so that users configure one logger for the whole transport.
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final int BUFFER = 16 * 1024;
    /** The largest request body read and dropped to keep a connection usable; a larger one closes it. */
    private static final long MAX_DISCARDED_BODY = 64 * 1024;

    /** What the connection waits for; the watchdog closes it when that takes too long. */
    enum Phase {
        /** Between requests of a kept-alive connection. */
        IDLE,
        /** A request, from its first byte (or the connection's opening) to the end of its headers. */
        READING,
        /** Its turn to answer, and the answer, which take bounded time on their own; no deadline. */
        ANSWERING,
        /** The client, to take the reply. */
        WRITING
    }

    private final HttpQueryServer server;
    private final Socket raw;
    private final SSLContext sslContext;

    private volatile Phase phase;
    private volatile long phaseStart;
    /** When the current phase must end, in {@link System#nanoTime()}, or {@link Long#MAX_VALUE} for never. */
    private volatile long deadline;
    private volatile String expiredIn;

    HttpConnection(HttpQueryServer server, Socket raw, SSLContext sslContext) {
        this.server = server;
        this.raw = raw;
        this.sslContext = sslContext;
        enter(Phase.READING);
    }

    @Override
    public void run() {
        String peer = String.valueOf(raw.getRemoteSocketAddress());
        try {
            raw.setTcpNoDelay(true);
            Socket socket = raw;
            if (sslContext != null) {
                // The handshake runs at the first read, inside the request's time limit. The watchdog closes the
                // plain socket under it: closing an SSLSocket may itself block writing its close_notify.
                SSLSocket ssl = (SSLSocket) sslContext.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
                ssl.setUseClientMode(false);
                socket = ssl;
            }
            serve(new BufferedInputStream(socket.getInputStream(), BUFFER),
                    new BufferedOutputStream(socket.getOutputStream(), BUFFER));
        } catch (IOException e) {
            String expired = expiredIn;
            if (expired != null) {
                LOG.debug("Closed the connection from {}: {}", peer, expired);
            } else {
                LOG.debug("The connection from {} failed: {}", peer, e.toString());
            }
        } finally {
            close();
            server.closed(this);
        }
    }

    private void serve(InputStream in, OutputStream out) throws IOException {
        for (boolean first = true; ; first = false) {
            if (!first) {
                enter(Phase.IDLE);
            }
            int start = in.read();
            if (start < 0) {
                return;
            }
            if (!first) {
                enter(Phase.READING);
            }
            HttpRequestHead head;
            long bodyLength;
            try {
                head = HttpRequestHead.read(start, in);
                bodyLength = head.bodyLength();
            } catch (HttpRequestHead.Malformed e) {
                LOG.debug("Refused a malformed request from {}: {}", raw.getRemoteSocketAddress(), e.getMessage());
                enter(Phase.WRITING);
                write(out, server.malformed(e.getMessage()), false, true);
                return;
            }
            boolean keepAlive = head.keepAlive() && bodyLength >= 0 && bodyLength <= MAX_DISCARDED_BODY;
            if (keepAlive && bodyLength > 0) {
                // No read takes a body; drop it so the next request on the connection can be read.
                in.skipNBytes(bodyLength);
            }
            enter(Phase.ANSWERING);
            QueryEndpoint.Reply reply = server.answer(head);
            enter(Phase.WRITING);
            try {
                write(out, reply, "HEAD".equals(head.method()), !keepAlive);
            } finally {
                server.written(reply);
            }
            if (!keepAlive) {
                return;
            }
        }
    }

    private static void write(OutputStream out, QueryEndpoint.Reply reply, boolean headOnly, boolean close)
            throws IOException {
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(reply.status()).append(' ')
                .append(phrase(reply.status()))
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(reply.length());
        if (reply.status() == HttpProtocol.status(RemoteQueryException.Reason.UNAUTHORIZED)) {
            head.append("\r\nWWW-Authenticate: Bearer");
        }
        if (reply.status() == HttpProtocol.METHOD_NOT_ALLOWED) {
            head.append("\r\nAllow: GET");
        }
        if (close) {
            head.append("\r\nConnection: close");
        }
        out.write(head.append("\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!headOnly) {
            out.write(reply.body(), 0, reply.length());
        }
        out.flush();
    }

    private static String phrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 421 -> "Misdirected Request";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private void enter(Phase next) {
        phaseStart = System.nanoTime();
        long limit = server.limitNanos(next);
        deadline = limit == Long.MAX_VALUE ? Long.MAX_VALUE : phaseStart + limit;
        phase = next;
    }

    Phase phase() {
        return phase;
    }

    long phaseStart() {
        return phaseStart;
    }

    /**
     * Closes the connection if its phase has outlasted its limit.
     *
     * @param now the time, in {@link System#nanoTime()}
     * @return whether it was closed
     */
    boolean expireIfLate(long now) {
        long end = deadline;
        if (end == Long.MAX_VALUE || now - end < 0) {
            return false;
        }
        Phase late = phase;
        expiredIn = switch (late) {
            case IDLE -> "it sent no request for " + server.limitText(late);
            case READING -> "its request did not arrive in full within " + server.limitText(late);
            case WRITING -> "it did not take its reply within " + server.limitText(late);
            case ANSWERING -> "answering took too long";
        };
        close();
        return true;
    }

    /** Closes the connection to make room for a new one, when the server holds as many as it may. */
    void evict() {
        expiredIn = "the server holds its most connections, and this one had waited longest for its client ("
                + phase + ")";
        close();
    }

    /** Closes the plain socket, which ends any read or write blocked on it. */
    void close() {
        try {
            raw.close();
        } catch (IOException e) {
            LOG.debug("Closing a query connection failed: {}", e.toString());
        }
    }
}
