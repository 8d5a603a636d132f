package dev.unbundled.internal.run;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Whether the brokers answer this runtime's own requests (end offsets, topic descriptions, the group's
 * offsets), judged from how the last ones went: unreachable once a request failed for want of an answer, or
 * has waited longer than {@link #PATIENCE} with no answer since; reachable again at the next answer.
 * Status calls and waits read this instead of waiting for a broker that is gone.
 */
final class Brokers {
    /** How long a request may go unanswered before the brokers count as unreachable. */
    static final Duration PATIENCE = Duration.ofSeconds(2);
    /** How long one request to the brokers may take before the admin client gives it up. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrapServers;
    /** When the oldest request unanswered since the last answer was sent; 0 if none waits. */
    private volatile long waitingSinceNanos;
    /** Why the last request failed for want of an answer, since the last answer; null if none did. */
    private volatile Throwable failure;
    private volatile long lastAnswerNanos = System.nanoTime();

    Brokers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return the per-call timeout the admin client's requests are given, in milliseconds */
    static int requestTimeoutMs() {
        return (int) REQUEST_TIMEOUT.toMillis();
    }

    /** Notes that a request was sent. */
    synchronized void sent() {
        if (waitingSinceNanos == 0) {
            waitingSinceNanos = System.nanoTime();
        }
    }

    /**
     * Notes how a request ended.
     *
     * @param error what it failed with, or null if it succeeded
     */
    synchronized void ended(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause != null && unanswered(cause)) {
            failure = cause;
        } else {
            // any answer, an error from the broker too, says that the brokers are there
            failure = null;
            waitingSinceNanos = 0;
            lastAnswerNanos = System.nanoTime();
        }
    }

    /** @return why the brokers count as unreachable now, or empty if they answer */
    Optional<String> unreachable() {
        Throwable failed = failure;
        long since = waitingSinceNanos;
        long now = System.nanoTime();
        if (failed == null && (since == 0 || now - since < PATIENCE.toNanos())) {
            return Optional.empty();
        }
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(now - lastAnswerNanos);
        return Optional.of("the Kafka brokers at " + bootstrapServers + " have not answered for "
                + Math.max(silentMillis, 1) + " ms" + (failed != null ? " (" + describe(failed) + ")" : ""));
    }

    /** @return whether a request failed because no broker answered it, rather than with a broker's error */
    static boolean unanswered(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof TimeoutException || cause instanceof DisconnectException
                || cause instanceof java.util.concurrent.TimeoutException;
    }

    /** @return a failure's message, or its type when it has none */
    static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
