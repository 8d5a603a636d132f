package dev.unbundled.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unbundled.remote.RemoteQueryException.Reason;
import java.util.Base64;

/** What {@link HttpQueryServer} and {@link HttpQueryClient} agree on: paths, codes, JSON and byte encoding. */
final class HttpProtocol {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code reason} of a 404 that answers a key read for which the view has no row. */
    static final String NO_ROW = "NO_ROW";

    static final String VIEWS = "views";
    static final String KEYS = "keys";
    static final String ROWS = "rows";

    static final int OK = 200;
    static final int NOT_FOUND = 404;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int INTERNAL_ERROR = 500;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private HttpProtocol() {
    }

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** @throws IllegalArgumentException if the text is not base64url */
    static byte[] decode(String text) {
        return DECODER.decode(text);
    }

    static int status(Reason reason) {
        return switch (reason) {
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case UNKNOWN_VIEW -> 404;
            case NOT_HERE -> 421;
            case NOT_READY -> 503;
            // The handler could not reach something it needed; the instance asked is a gateway that failed.
            case UNREACHABLE -> 502;
        };
    }

    /** @return the reason a refusal with this status carries, or null if no refusal uses the status */
    static Reason reason(int status) {
        for (Reason reason : Reason.values()) {
            if (status(reason) == status) {
                return reason;
            }
        }
        return null;
    }
}
