package dev.unbundled.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unbundled.remote.RemoteQueryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;

/** Sends reads to other instances' {@link HttpQueryServer}s over one shared JDK {@link HttpClient}. */
final class HttpQueryClient {
    /** The largest reply read from a peer: far above a page of ordinary rows, far below what exhausts a heap. */
    static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

    private final HttpClient http;
    private final String scheme;
    private final String authorization;
    private final Duration requestTimeout;
    private final int maxReplyBytes;

    /**
     * @param sslContext the TLS context to trust servers with, or null to speak plain HTTP
     * @param bearerToken the token to send, or null
     */
    HttpQueryClient(SSLContext sslContext, String bearerToken, Duration requestTimeout) {
        this(sslContext, bearerToken, requestTimeout, MAX_REPLY_BYTES);
    }

    /**
     * @param maxReplyBytes the largest reply body to read; a larger one is refused as {@code UNREACHABLE}
     */
    HttpQueryClient(SSLContext sslContext, String bearerToken, Duration requestTimeout, int maxReplyBytes) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
        this.scheme = sslContext == null ? "http" : "https";
        this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
        this.requestTimeout = requestTimeout;
        this.maxReplyBytes = maxReplyBytes;
    }

    KeyAnswer get(String instance, KeyRequest request) {
        URI uri = uri(instance, request.view(), HttpProtocol.KEYS + "/" + HttpProtocol.encode(request.key()),
                "partition=" + request.partition() + "&maxLag=" + request.maxLag());
        Reply reply = send(instance, request.view(), uri);
        JsonNode body = reply.body();
        if (reply.status() == HttpProtocol.OK && body.path("value").isTextual()) {
            return new KeyAnswer(bytes(instance, request.view(), body.get("value")), standby(instance, request, body),
                    lag(instance, request, body));
        }
        if (reply.status() == HttpProtocol.NOT_FOUND && HttpProtocol.NO_ROW.equals(body.path("reason").asText())) {
            return new KeyAnswer(null, standby(instance, request, body), lag(instance, request, body));
        }
        throw refusal(instance, request.view(), reply);
    }

    ScanAnswer scan(String instance, ScanRequest request) {
        StringJoiner partitions = new StringJoiner(",");
        request.partitions().forEach(partition -> partitions.add(partition.toString()));
        StringBuilder query = new StringBuilder("partitions=").append(partitions);
        bound(query, "from", request.from());
        bound(query, "to", request.to());
        bound(query, "prefix", request.prefix());
        bound(query, "after", request.after());
        query.append("&limit=").append(request.limit()).append("&maxLag=").append(request.maxLag());
        if (request.maxBytes() != Integer.MAX_VALUE) {
            query.append("&maxBytes=").append(request.maxBytes());
        }
        URI uri = uri(instance, request.view(), HttpProtocol.ROWS, query.toString());

        Reply reply = send(instance, request.view(), uri);
        JsonNode body = reply.body();
        if (reply.status() != HttpProtocol.OK) {
            throw refusal(instance, request.view(), reply);
        }
        if (!body.path("rows").isArray() || !body.path("more").isBoolean()) {
            throw nonsense(instance, request.view(), "a page without 'rows' and 'more'", null);
        }
        List<ScanAnswer.Row> rows = new ArrayList<>(body.get("rows").size());
        for (JsonNode row : body.get("rows")) {
            rows.add(new ScanAnswer.Row(bytes(instance, request.view(), row.path("key")),
                    bytes(instance, request.view(), row.path("value"))));
        }
        return new ScanAnswer(rows, body.get("more").booleanValue());
    }

    private static void bound(StringBuilder query, String name, byte[] bytes) {
        if (bytes != null) {
            query.append('&').append(name).append('=').append(HttpProtocol.encode(bytes));
        }
    }

    private URI uri(String instance, String view, String rest, String query) {
        // URLEncoder writes form encoding; in a path a space is %20, and '+' would read back as itself.
        String encodedView = URLEncoder.encode(view, StandardCharsets.UTF_8).replace("+", "%20");
        URI uri;
        try {
            uri = new URI(scheme + "://" + instance + "/" + HttpProtocol.VIEWS + "/" + encodedView + "/" + rest
                    + "?" + query);
        } catch (URISyntaxException e) {
            throw badInstance(instance, e);
        }
        if (uri.getHost() == null || uri.getPort() < 0 || uri.getRawUserInfo() != null
                || !uri.getRawPath().startsWith("/" + HttpProtocol.VIEWS)) {
            throw badInstance(instance, null);
        }
        return uri;
    }

    private static IllegalArgumentException badInstance(String instance, Exception cause) {
        return new IllegalArgumentException("instance must be host:port, as the instance advertised itself, was '"
                + instance + "'", cause);
    }

    private Reply send(String instance, String view, URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(requestTimeout)
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            bytes = boundedBody(instance, view, response);
        } catch (IOException e) {
            throw new RemoteQueryException(view, Reason.UNREACHABLE, "Instance " + instance + " could not be reached"
                    + " to read view '" + view + "' (" + e + "); check that it is running and reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteQueryException(view, Reason.UNREACHABLE, "Interrupted while reading view '" + view
                    + "' at instance " + instance, e);
        }
        JsonNode body;
        try {
            body = HttpProtocol.JSON.readTree(bytes);
        } catch (IOException e) {
            throw nonsense(instance, view, "HTTP " + response.statusCode() + " with a body that is not JSON", e);
        }
        if (body == null || !body.isObject()) {
            throw nonsense(instance, view, "HTTP " + response.statusCode() + " without a JSON object", null);
        }
        return new Reply(response.statusCode(), body);
    }

    /** Reads the body of a reply, refusing one larger than {@link #maxReplyBytes} before reading all of it. */
    private byte[] boundedBody(String instance, String view, HttpResponse<InputStream> response) throws IOException {
        try (InputStream in = response.body()) {
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            byte[] bytes = declared > maxReplyBytes ? null : in.readNBytes(maxReplyBytes + 1);
            if (bytes == null || bytes.length > maxReplyBytes) {
                throw new RemoteQueryException(view, Reason.UNREACHABLE, "Instance " + instance + " answered a read"
                        + " of view '" + view + "' with more than " + maxReplyBytes + " bytes (HTTP "
                        + response.statusCode() + (declared < 0 ? "" : ", " + declared + " bytes") + "), more than a"
                        + " client reads; give that instance's HttpTransport a lower maxPageSize");
            }
            return bytes;
        }
    }

    private static RemoteQueryException refusal(String instance, String view, Reply reply) {
        Reason reason = HttpProtocol.reason(reply.status());
        String message = reply.body().path("message").asText("");
        if (reason != null && reason.name().equals(reply.body().path("reason").asText())) {
            return new RemoteQueryException(view, reason, instance + ": " + message);
        }
        if (reply.status() == HttpProtocol.INTERNAL_ERROR) {
            return new RemoteQueryException(view, Reason.UNREACHABLE, "Instance " + instance + " failed to answer a"
                    + " read of view '" + view + "' (HTTP 500: " + message + "); see that instance's log");
        }
        return nonsense(instance, view, "HTTP " + reply.status() + (message.isEmpty() ? "" : " (" + message + ")"),
                null);
    }

    private static RemoteQueryException nonsense(String instance, String view, String what, Exception cause) {
        return new RemoteQueryException(view, Reason.UNREACHABLE, "Instance " + instance + " answered a read of view '"
                + view + "' with " + what + "; check that it is an Unbundled query server of the same version"
                + " and that its address is right", cause);
    }

    private static byte[] bytes(String instance, String view, JsonNode text) {
        if (!text.isTextual()) {
            throw nonsense(instance, view, "a row without a key or value", null);
        }
        try {
            return HttpProtocol.decode(text.asText());
        } catch (IllegalArgumentException e) {
            throw nonsense(instance, view, "bytes that are not base64url", e);
        }
    }

    private static boolean standby(String instance, KeyRequest request, JsonNode body) {
        if (!body.path("standby").isBoolean()) {
            throw nonsense(instance, request.view(), "an answer without 'standby'", null);
        }
        return body.get("standby").booleanValue();
    }

    private static long lag(String instance, KeyRequest request, JsonNode body) {
        if (!body.path("lag").canConvertToLong() || !body.path("lag").isIntegralNumber()) {
            throw nonsense(instance, request.view(), "an answer without 'lag'", null);
        }
        return body.get("lag").longValue();
    }

    private record Reply(int status, JsonNode body) {
    }
}
