package dev.unbundled.remote;

import static dev.unbundled.remote.HttpProtocol.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.unbundled.remote.RemoteQueryException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request of {@link HttpQueryServer}: checks the token and the path, passes the read to the
 * {@link QueryHandler}, and turns its answer or its exception into a JSON reply. Refusals log at DEBUG; only a
 * failure nobody expected (a bug) logs, at WARN with its stack trace.
 */
final class QueryEndpoint implements HttpHandler {
    // Named after the public class so that users configure one logger for the whole transport.
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final String BEARER = "Bearer ";
    private static final String PATHS = "Unbundled serves GET /views/{view}/keys/{key} and GET /views/{view}/rows";

    private final QueryHandler handler;
    private final byte[] tokenDigest;
    private final int maxPageSize;
    private final Supplier<String> overloaded;

    /**
     * @param bearerToken the token requests must carry, or null to accept every request
     * @param overloaded why the server refuses the request being handled now (it has no worker free for it),
     *        or null to answer it
     */
    QueryEndpoint(QueryHandler handler, String bearerToken, int maxPageSize, Supplier<String> overloaded) {
        this.handler = handler;
        this.tokenDigest = bearerToken == null ? null : sha256(bearerToken);
        this.maxPageSize = maxPageSize;
        this.overloaded = overloaded;
    }

    @Override
    public void handle(HttpExchange exchange) {
        String target = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
        try {
            String overload = overloaded.get();
            if (overload != null) {
                LOG.debug("Refused {} as {}: {}", target, Reason.NOT_READY, overload);
                send(exchange, Reply.error(HttpProtocol.status(Reason.NOT_READY), Reason.NOT_READY.name(), overload));
                return;
            }
            send(exchange, answer(exchange, target));
        } catch (IOException e) {
            LOG.debug("Could not send the answer to {}; the caller probably hung up: {}", target, e.toString());
        } finally {
            exchange.close();
        }
    }

    private Reply answer(HttpExchange exchange, String target) {
        try {
            return route(exchange);
        } catch (RemoteQueryException e) {
            LOG.debug("Refused {} as {}: {}", target, e.reason(), e.getMessage());
            return Reply.error(HttpProtocol.status(e.reason()), e.reason().name(), e.getMessage());
        } catch (IllegalArgumentException e) {
            LOG.debug("Refused {} as {}: {}", target, Reason.BAD_REQUEST, e.getMessage());
            return Reply.error(HttpProtocol.status(Reason.BAD_REQUEST), Reason.BAD_REQUEST.name(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Answering {} failed unexpectedly, which is a bug in the query handler or in Unbundled;"
                    + " answered 500", target, e);
            return Reply.error(HttpProtocol.INTERNAL_ERROR, "INTERNAL_ERROR", "The instance failed to answer ("
                    + e.getClass().getName() + "); see its log");
        }
    }

    private Reply route(HttpExchange exchange) {
        requireAuthorized(exchange.getRequestHeaders().getFirst("Authorization"));
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Reply.error(HttpProtocol.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                    exchange.getRequestMethod() + " is not served; " + PATHS);
        }
        URI uri = exchange.getRequestURI();
        String[] segments = uri.getRawPath().split("/", -1);
        if (segments.length < 2 || !segments[0].isEmpty() || !HttpProtocol.VIEWS.equals(segments[1])) {
            return Reply.error(HttpProtocol.NOT_FOUND, "NOT_FOUND", "No such path; " + PATHS);
        }
        if (segments.length == 5 && HttpProtocol.KEYS.equals(segments[3])) {
            return get(QueryParams.decodePathSegment(segments[2]), segments[4], uri.getRawQuery());
        }
        if (segments.length == 4 && HttpProtocol.ROWS.equals(segments[3])) {
            return scan(QueryParams.decodePathSegment(segments[2]), uri.getRawQuery());
        }
        throw new IllegalArgumentException("No such path under /views; " + PATHS);
    }

    private void requireAuthorized(String authorization) {
        if (tokenDigest == null) {
            return;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new RemoteQueryException(null, Reason.UNAUTHORIZED, "Send 'Authorization: Bearer <token>' with"
                    + " the token this instance's HttpTransport was built with");
        }
        // Comparing digests keeps the time taken independent of how much of the token matched.
        if (!MessageDigest.isEqual(sha256(authorization.substring(BEARER.length())), tokenDigest)) {
            throw new RemoteQueryException(null, Reason.UNAUTHORIZED, "The bearer token is wrong; build every"
                    + " instance's HttpTransport with the same bearerToken");
        }
    }

    private Reply get(String view, String encodedKey, String rawQuery) {
        requireKnown(view);
        byte[] key = QueryParams.base64("Key", encodedKey);
        QueryParams params = QueryParams.parse(rawQuery);
        int partition = (int) params.number("partition", 0, Integer.MAX_VALUE, null);
        long maxLag = params.number("maxLag", -1, Long.MAX_VALUE, -1L);

        KeyAnswer answer = handler.get(new KeyRequest(view, key, partition, maxLag));
        if (answer == null) {
            throw new IllegalStateException("QueryHandler.get returned null for view '" + view + "'");
        }
        ObjectNode body = JSON.createObjectNode();
        if (answer.value() == null) {
            body.put("reason", HttpProtocol.NO_ROW);
        } else {
            body.put("value", HttpProtocol.encode(answer.value()));
        }
        body.put("standby", answer.standby()).put("lag", answer.lag());
        return new Reply(answer.value() == null ? HttpProtocol.NOT_FOUND : HttpProtocol.OK, body);
    }

    private Reply scan(String view, String rawQuery) {
        requireKnown(view);
        QueryParams params = QueryParams.parse(rawQuery);
        List<Integer> partitions = params.partitions("partitions");
        byte[] from = params.bytes("from");
        byte[] to = params.bytes("to");
        byte[] prefix = params.bytes("prefix");
        byte[] after = params.bytes("after");
        int limit = (int) Math.min(params.number("limit", 1, Long.MAX_VALUE, (long) maxPageSize), maxPageSize);
        long maxLag = params.number("maxLag", -1, Long.MAX_VALUE, -1L);

        ScanAnswer answer = handler.scan(new ScanRequest(view, partitions, from, to, prefix, after, limit, maxLag));
        if (answer == null) {
            throw new IllegalStateException("QueryHandler.scan returned null for view '" + view + "'");
        }
        // A handler that returns more than it was asked for still cannot make a page exceed the limit.
        List<ScanAnswer.Row> rows = answer.rows().size() > limit ? answer.rows().subList(0, limit) : answer.rows();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("rows");
        for (ScanAnswer.Row row : rows) {
            array.addObject().put("key", HttpProtocol.encode(row.key())).put("value", HttpProtocol.encode(row.value()));
        }
        body.put("more", answer.more() || rows.size() < answer.rows().size());
        return new Reply(HttpProtocol.OK, body);
    }

    private void requireKnown(String view) {
        if (!handler.knows(view)) {
            throw new RemoteQueryException(view, Reason.UNKNOWN_VIEW, "This instance runs no view '" + view
                    + "'; deploy the same views on every instance of the application");
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body = JSON.writeValueAsBytes(reply.body());
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        if (reply.status() == HttpProtocol.status(Reason.UNAUTHORIZED)) {
            headers.set("WWW-Authenticate", "Bearer");
        }
        if (reply.status() == HttpProtocol.METHOD_NOT_ALLOWED) {
            headers.set("Allow", "GET");
        }
        // A reply to HEAD has no body, and the JDK server complains when given a length for it.
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(reply.status(), head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime supports SHA-256", e);
        }
    }

    private record Reply(int status, ObjectNode body) {
        static Reply error(int status, String reason, String message) {
            ObjectNode body = JSON.createObjectNode().put("reason", reason).put("message", message);
            return new Reply(status, body);
        }
    }
}
