package dev.unbundled.testkit;

import dev.unbundled.ViewNotReadyException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the reads of a {@link ViewCluster} check ended: how many answered the reference, how many were refused
 * with {@link ViewNotReadyException} (an allowed answer while partitions move), and every other answer, which
 * is wrong: a different value, a missing or extra row, or any other exception.
 *
 * <pre>{@code
 * ReadReport report = cluster.assertEveryInstanceReads(SONGS, expected);
 * assertThat(report.notReady()).isZero();
 *
 * try (ReadHammer<String, Song> reads = cluster.hammer(SONGS, expected).start()) {
 *     cluster.kill(2);
 *     cluster.awaitStable();
 *     reads.report().assertNoWrongAnswers();
 * }
 * }</pre>
 *
 * @param reads        how many reads were made (a scan counts as one)
 * @param matching     how many answered exactly what the reference says
 * @param notReady     how many threw {@link ViewNotReadyException}
 * @param wrong        how many answered anything else
 * @param wrongAnswers a description of the first wrong answers (at most {@value #MAX_DESCRIBED}): the instance,
 *                     the read, what it answered and what the reference says
 * @param firstNotReady the first {@link ViewNotReadyException} thrown, if any, to check its message
 */
public record ReadReport(long reads, long matching, long notReady, long wrong, List<String> wrongAnswers,
                         Optional<ViewNotReadyException> firstNotReady) {

    /** The most wrong answers a report describes. */
    public static final int MAX_DESCRIBED = 20;

    /**
     * Checks the counts and copies the list.
     *
     * @param reads         reads made
     * @param matching      reads that answered the reference
     * @param notReady      reads refused with {@link ViewNotReadyException}
     * @param wrong         reads that answered anything else
     * @param wrongAnswers  descriptions of the first wrong answers
     * @param firstNotReady the first refusal
     * @throws NullPointerException     if a list or optional is null
     * @throws IllegalArgumentException if a count is negative or the counts do not add up
     */
    public ReadReport {
        Objects.requireNonNull(wrongAnswers, "wrongAnswers");
        Objects.requireNonNull(firstNotReady, "firstNotReady");
        if (matching < 0 || notReady < 0 || wrong < 0 || matching + notReady + wrong != reads) {
            throw new IllegalArgumentException("counts must be non-negative and add up: " + matching + " matching + "
                    + notReady + " not ready + " + wrong + " wrong != " + reads + " reads");
        }
        wrongAnswers = List.copyOf(wrongAnswers);
    }

    /**
     * Fails if any read answered something other than the reference or {@link ViewNotReadyException}.
     *
     * <pre>{@code
     * cluster.assertEveryInstanceReads(SONGS, expected).assertNoWrongAnswers();
     * }</pre>
     *
     * @return this report, to check more
     * @throws AssertionError naming the wrong answers
     */
    public ReadReport assertNoWrongAnswers() {
        if (wrong > 0) {
            throw new AssertionError(wrong + " of " + reads + " reads answered neither the reference nor"
                    + " ViewNotReadyException" + (wrong > wrongAnswers.size() ? " (the first " + wrongAnswers.size()
                    + " below)" : "") + ":\n  " + String.join("\n  ", wrongAnswers));
        }
        return this;
    }

    @Override
    public String toString() {
        return "ReadReport[" + reads + " reads: " + matching + " matching, " + notReady + " not ready, " + wrong
                + " wrong" + (wrongAnswers.isEmpty() ? "" : ", first: " + wrongAnswers.get(0)) + "]";
    }
}
