package dev.unbundled.remote;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query string of one request to {@link QueryEndpoint}. Every accessor throws {@link IllegalArgumentException}
 * with a message for the caller when a value is malformed, which the endpoint answers with 400.
 */
final class QueryParams {
    /** The most partitions one scan may name: more than any view has, and a bound on the work one request costs. */
    static final int MAX_PARTITIONS = 10_000;
    /** How much of a malformed value a message repeats. */
    private static final int SHOWN_CHARS = 100;

    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param rawQuery the query as sent, still percent-encoded, or null
     * @throws IllegalArgumentException if a name or value is badly percent-encoded, or a name repeats
     */
    static QueryParams parse(String rawQuery) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (values.putIfAbsent(name, value) != null) {
                    throw new IllegalArgumentException("Query parameter '" + name + "' appears twice; send it once");
                }
            }
        }
        return new QueryParams(values);
    }

    /** Decodes one percent-encoded path segment, keeping a literal '+' (it means a space only in queries). */
    static String decodePathSegment(String raw) {
        return decode(raw.replace("+", "%2B"));
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + shown(raw) + "' is not validly percent-encoded; encode it as"
                    + " UTF-8", e);
        }
    }

    /**
     * @return the value, or {@code fallback} if absent
     * @throws IllegalArgumentException if the value is not a whole number in {@code [min, max]}
     */
    long number(String name, long min, long max, Long fallback) {
        String text = values.get(name);
        if (text == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("Query parameter '" + name + "' is missing; send " + name
                        + "=<number>");
            }
            return fallback;
        }
        long number;
        try {
            number = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(outOfRange(name, text, min, max), e);
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException(outOfRange(name, text, min, max));
        }
        return number;
    }

    private static String outOfRange(String name, String text, long min, long max) {
        return "Query parameter '" + name + "' must be a whole number from " + min
                + (max == Long.MAX_VALUE ? " up" : " to " + max) + ", was '" + shown(text) + "'";
    }

    /**
     * @return the comma-separated partition numbers under {@code name}, in the order sent
     * @throws IllegalArgumentException if absent, empty, not distinct non-negative whole numbers, or more than
     *         {@link #MAX_PARTITIONS}
     */
    List<Integer> partitions(String name) {
        String text = values.get(name);
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("Query parameter '" + name + "' is missing; send " + name
                    + "=0,3,5 with the partitions to scan");
        }
        Set<Integer> partitions = new LinkedHashSet<>();
        for (int start = 0; start <= text.length(); ) {
            if (partitions.size() == MAX_PARTITIONS) {
                throw new IllegalArgumentException("Query parameter '" + name + "' lists more than " + MAX_PARTITIONS
                        + " partitions; ask for fewer in one request");
            }
            int end = text.indexOf(',', start);
            if (end < 0) {
                end = text.length();
            }
            int partition;
            try {
                partition = Integer.parseInt(text, start, end, 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(badPartitions(name, text), e);
            }
            if (partition < 0 || !partitions.add(partition)) {
                throw new IllegalArgumentException(badPartitions(name, text));
            }
            start = end + 1;
        }
        return List.copyOf(partitions);
    }

    private static String badPartitions(String name, String text) {
        return "Query parameter '" + name + "' must list distinct partition numbers like 0,3,5, was '" + shown(text)
                + "'";
    }

    /** @return the text, cut short if long: a message repeats what was sent, but not all of a huge value */
    private static String shown(String text) {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "... (" + text.length()
                + " characters)";
    }

    /**
     * @return the base64url-decoded value under {@code name}, or null if absent
     * @throws IllegalArgumentException if the value is not base64url
     */
    byte[] bytes(String name) {
        String text = values.get(name);
        return text == null ? null : base64(name, text);
    }

    /**
     * @param what what the text is, for the message
     * @throws IllegalArgumentException if the text is not base64url
     */
    static byte[] base64(String what, String text) {
        try {
            return HttpProtocol.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + shown(text) + "' is not base64url; encode the serialised"
                    + " bytes with Base64.getUrlEncoder().withoutPadding()", e);
        }
    }
}
