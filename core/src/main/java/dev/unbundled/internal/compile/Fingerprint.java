package dev.unbundled.internal.compile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What determines a view's content, hashed. (First cut: the compiled topology, the view's flags and its
 * pinned version; the code of its functions comes next.)
 *
 * @param hex the first 12 hex digits of the hash: part of the names of the view's group, topics and state
 * @param unreadable the functions whose code could not be read, described for a warning; empty if none
 */
public record Fingerprint(String hex, List<String> unreadable) {

    /**
     * @param definition a view
     * @return its fingerprint
     */
    public static Fingerprint of(DefinitionImpl<?, ?> definition) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
        String text = definition.name() + "\n" + definition.isGlobal() + "\n" + definition.store() + "\n"
                + definition.history() + "\n" + definition.pinnedVersion() + "\n" + definition.describe();
        byte[] hash = digest.digest(text.getBytes(StandardCharsets.UTF_8));
        return new Fingerprint(HexFormat.of().formatHex(hash, 0, 6), List.of());
    }
}
