package dev.unbundled.internal.compile;

/** Prints the fingerprint of {@link FingerprintFixture#notes()}, for a test that compares it across JVMs. */
public final class FingerprintChild {
    private FingerprintChild() {
    }

    public static void main(String[] args) {
        Fingerprint fingerprint = Fingerprint.of((DefinitionImpl<?, ?>) FingerprintFixture.notes());
        System.out.println(fingerprint.hex() + " " + fingerprint.unreadable());
    }
}
