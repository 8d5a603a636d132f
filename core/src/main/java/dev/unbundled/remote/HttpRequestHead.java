package dev.unbundled.remote;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request line and headers of one HTTP/1.1 request, as {@link HttpConnection} reads them: bounded in size,
 * and strict, since only other instances (and the odd curl) have a reason to talk to the query server.
 *
 * @param method the method, such as {@code GET}
 * @param rawPath the path, still percent-encoded
 * @param rawQuery the query, still percent-encoded, or null
 * @param http10 whether the client speaks HTTP/1.0, which closes the connection after each reply
 * @param headers the first value of each header, by its lower-case name
 */
record HttpRequestHead(String method, String rawPath, String rawQuery, boolean http10, Map<String, String> headers) {
    /**
     * The most bytes a request line and its headers may take: room for a scan naming 10,000 partitions and
     * three long bounds, far below what costs memory.
     */
    static final int MAX_BYTES = 256 * 1024;
    private static final int MAX_HEADERS = 100;

    /** A request the server cannot make sense of; answered 400 and the connection closed. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /**
     * Reads a request head.
     *
     * @param first the request's first byte, already read
     * @param in the rest of the request
     * @return the head
     * @throws Malformed if the head is not HTTP/1.x, is too large, or its headers contradict each other
     * @throws IOException if the connection fails or ends inside the head
     */
    static HttpRequestHead read(int first, InputStream in) throws IOException, Malformed {
        int[] budget = {MAX_BYTES};
        String requestLine = line(first, in, budget);
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/")
                || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
            throw new Malformed("The request line is not 'METHOD /path HTTP/1.1'");
        }
        Map<String, String> headers = new HashMap<>();
        for (String header = line(in.read(), in, budget); !header.isEmpty(); header = line(in.read(), in, budget)) {
            int colon = header.indexOf(':');
            if (colon <= 0 || header.charAt(0) == ' ' || header.charAt(0) == '\t'
                    || header.charAt(colon - 1) == ' ') {
                throw new Malformed("A header is not 'Name: value'");
            }
            if (headers.size() == MAX_HEADERS) {
                throw new Malformed("A request may carry at most " + MAX_HEADERS + " headers");
            }
            String name = header.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip();
            String earlier = headers.putIfAbsent(name, value);
            if (earlier != null && name.equals("content-length") && !earlier.equals(value)) {
                throw new Malformed("Two different Content-Length headers");
            }
        }
        int question = parts[1].indexOf('?');
        return new HttpRequestHead(parts[0], question < 0 ? parts[1] : parts[1].substring(0, question),
                question < 0 ? null : parts[1].substring(question + 1), parts[2].equals("HTTP/1.0"), headers);
    }

    /** Reads one line ending in LF (a CR before it is dropped), counting its bytes against the budget. */
    private static String line(int first, InputStream in, int[] budget) throws IOException, Malformed {
        byte[] bytes = new byte[128];
        int length = 0;
        for (int next = first; next != '\n'; next = in.read()) {
            if (next < 0) {
                throw new EOFException("The connection ended inside a request head");
            }
            if (--budget[0] < 0) {
                throw new Malformed("The request line and headers exceed " + MAX_BYTES + " bytes");
            }
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, length * 2);
            }
            bytes[length++] = (byte) next;
        }
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** @return the value of a header, or null */
    String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /**
     * @return the length of the body the request declares, 0 if none, or -1 for a chunked body
     * @throws Malformed if the length is not a number
     */
    long bodyLength() throws Malformed {
        if (headers.containsKey("transfer-encoding")) {
            return -1;
        }
        String length = headers.get("content-length");
        if (length == null) {
            return 0;
        }
        try {
            long parsed = Long.parseLong(length);
            if (parsed < 0) {
                throw new Malformed("Content-Length is negative");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new Malformed("Content-Length is not a number");
        }
    }

    /** @return whether the client asks to keep the connection open after the reply */
    boolean keepAlive() {
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        return http10 ? connection.contains("keep-alive") : !connection.contains("close");
    }
}
