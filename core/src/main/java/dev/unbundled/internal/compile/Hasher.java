package dev.unbundled.internal.compile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A SHA-256 fed with length-prefixed parts, so that no two different sequences of parts ({@code "ab", "c"} and
 * {@code "a", "bc"}) hash alike.
 */
final class Hasher {
    private final MessageDigest digest;

    Hasher() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    /** Adds text; a null is told apart from every text. */
    Hasher text(String text) {
        if (text == null) {
            digest.update(ByteBuffer.allocate(4).putInt(-1).array());
            return this;
        }
        return bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    Hasher bytes(byte[] bytes) {
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
        return this;
    }

    /** @return the hash of everything added; the hasher starts again empty */
    byte[] digest() {
        return digest.digest();
    }
}
