package dev.unbundled.remote;

import static dev.unbundled.remote.HttpProtocol.JSON;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unbundled.remote.RemoteQueryException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request of {@link HttpQueryServer}: checks the token and the path, passes the read to the
 * {@link QueryHandler}, and turns its answer or its exception into a JSON reply. Refusals log at DEBUG; only a
 * failure nobody expected (a bug) logs, at WARN with its stack trace.
 */
final class QueryEndpoint {
    // Named after the public class so that users configure one logger for the whole transport.
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final String BEARER = "Bearer ";
    private static final String PATHS = "Unbundled serves GET /views/{view}/keys/{key} and GET /views/{view}/rows";

    private final QueryHandler handler;
    private final byte[] tokenDigest;
    private final int maxPageSize;
    private final int maxPageBytes;

    /**
     * @param bearerToken the token requests must carry, or null to accept every request
     * @param maxPageSize the most rows in one page of a scan
     * @param maxPageBytes the most bytes of keys and values in one page of a scan, unless its first row alone
     *        holds more
     */
    QueryEndpoint(QueryHandler handler, String bearerToken, int maxPageSize, int maxPageBytes) {
        this.handler = handler;
        this.tokenDigest = bearerToken == null ? null : sha256(bearerToken);
        this.maxPageSize = maxPageSize;
        this.maxPageBytes = maxPageBytes;
    }

    /**
     * Answers one request.
     *
     * @param method the HTTP method
     * @param rawPath the path, still percent-encoded
     * @param rawQuery the query, still percent-encoded, or null
     * @param authorization the {@code Authorization} header, or null
     * @return the reply; never throws
     */
    Reply answer(String method, String rawPath, String rawQuery, String authorization) {
        String target = method + " " + rawPath;
        try {
            return route(method, rawPath, rawQuery, authorization);
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

    private Reply route(String method, String rawPath, String rawQuery, String authorization) {
        requireAuthorized(authorization);
        if (!"GET".equals(method)) {
            return Reply.error(HttpProtocol.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", method + " is not served; "
                    + PATHS);
        }
        String[] segments = rawPath.split("/", -1);
        if (segments.length < 2 || !segments[0].isEmpty() || !HttpProtocol.VIEWS.equals(segments[1])) {
            return Reply.error(HttpProtocol.NOT_FOUND, "NOT_FOUND", "No such path; " + PATHS);
        }
        if (segments.length == 5 && HttpProtocol.KEYS.equals(segments[3])) {
            return get(QueryParams.decodePathSegment(segments[2]), segments[4], rawQuery);
        }
        if (segments.length == 4 && HttpProtocol.ROWS.equals(segments[3])) {
            return scan(QueryParams.decodePathSegment(segments[2]), rawQuery);
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
        return Reply.of(answer.value() == null ? HttpProtocol.NOT_FOUND : HttpProtocol.OK, body);
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
        int maxBytes = (int) Math.min(params.number("maxBytes", 1, Long.MAX_VALUE, (long) maxPageBytes),
                maxPageBytes);
        long maxLag = params.number("maxLag", -1, Long.MAX_VALUE, -1L);

        ScanAnswer answer = handler.scan(new ScanRequest(view, partitions, from, to, prefix, after, limit, maxLag,
                maxBytes));
        if (answer == null) {
            throw new IllegalStateException("QueryHandler.scan returned null for view '" + view + "'");
        }
        // A handler that returns more than it was asked for still cannot make a page exceed the limits.
        List<ScanAnswer.Row> rows = answer.rows();
        int kept = 0;
        long bytes = 0;
        while (kept < rows.size() && kept < limit) {
            long size = (long) rows.get(kept).key().length + rows.get(kept).value().length;
            if (kept > 0 && bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            kept++;
        }
        return page(rows.subList(0, kept), answer.more() || kept < rows.size(), bytes);
    }

    /** Writes a page straight from the rows' bytes, without a JSON tree or base64 strings in between. */
    private static Reply page(List<ScanAnswer.Row> rows, boolean more, long bytes) {
        Body out = new Body((int) Math.min(Integer.MAX_VALUE - 16, bytes / 3 * 4 + 32L * rows.size() + 64));
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("rows");
            for (ScanAnswer.Row row : rows) {
                json.writeStartObject();
                json.writeFieldName("key");
                json.writeBinary(Base64Variants.MODIFIED_FOR_URL, row.key(), 0, row.key().length);
                json.writeFieldName("value");
                json.writeBinary(Base64Variants.MODIFIED_FOR_URL, row.value(), 0, row.value().length);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeBooleanField("more", more);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return new Reply(HttpProtocol.OK, out.bytes(), out.size());
    }

    private void requireKnown(String view) {
        if (!handler.knows(view)) {
            throw new RemoteQueryException(view, Reason.UNKNOWN_VIEW, "This instance runs no view '" + view
                    + "'; deploy the same views on every instance of the application");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime supports SHA-256", e);
        }
    }

    /**
     * A reply: its status and the first {@code length} bytes of {@code body}, JSON.
     *
     * @param status the HTTP status
     * @param body holds the JSON body
     * @param length how many bytes of {@code body} are the reply
     */
    record Reply(int status, byte[] body, int length) {
        static Reply of(int status, ObjectNode body) {
            try {
                byte[] bytes = JSON.writeValueAsBytes(body);
                return new Reply(status, bytes, bytes.length);
            } catch (IOException e) {
                throw new UncheckedIOException("Writing JSON to memory failed", e);
            }
        }

        static Reply error(int status, String reason, String message) {
            return of(status, JSON.createObjectNode().put("reason", reason).put("message", message));
        }
    }

    /** A buffer whose bytes are handed over without the copy {@link ByteArrayOutputStream#toByteArray} makes. */
    private static final class Body extends ByteArrayOutputStream {
        Body(int size) {
            super(size);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
