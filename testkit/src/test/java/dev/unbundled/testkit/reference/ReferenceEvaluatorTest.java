package dev.unbundled.testkit.reference;

import static dev.unbundled.testkit.reference.ReferenceInputs.generate;
import static dev.unbundled.testkit.reference.ReferenceKits.run;
import static org.junit.jupiter.api.Assertions.fail;

import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.reference.ReferenceInputs.Model;
import dev.unbundled.testkit.reference.ReferenceInputs.Op;
import dev.unbundled.testkit.reference.ReferenceKits.Failure;
import dev.unbundled.testkit.reference.ReferenceKits.Kits;
import dev.unbundled.testkit.reference.ReferenceKits.Layout;
import dev.unbundled.testkit.reference.ReferenceViews.ViewCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The correctness test of the DESIGN.md contract: once the inputs stop changing, a view holds exactly
 * what its query returns when evaluated naively over the latest value per key of every input topic (a
 * null value deletes), and a stream aggregation holds the fold of every non-null event in order.
 *
 * <p>Each seed generates a few hundred random inserts, updates (often of a single field, so foreign keys
 * and group keys move) and deletes over four small-keyed topics, pipes them through every view and, after
 * <b>every</b> pipe, compares every view with a naive reference evaluator over the test's own
 * latest-value maps. The {@code TopologyTestDriver} processes each record, including every internal
 * repartition, subscription and response topic, before {@code pipe} returns, so the stronger per-pipe
 * property is expected to hold for every operator, foreign-key joins included: Kafka Streams' FK join
 * emits no stale intermediate result once its response has been processed (it drops responses whose
 * value hash no longer matches), and the driver drains all of those topics within the pipe.
 *
 * <p>Some seeds write a quarter of their inserts and updates again at once: the same value, another quantity
 * under the same foreign keys, or a delete and the value again ({@link ReferenceInputs#burst}).
 * {@link ReferenceBrokerIntegrationTest} runs views on a real broker with three partitions per topic, where
 * such writes overtake each other's answers.
 *
 * <p>Each op is piped one second after the previous one. A few views keep history
 * ({@link ReferenceViews#HISTORY}); after the last op, their {@code getAsOf} at every op's timestamp must
 * equal the reference as it was after that op.
 *
 * <p>The inputs and the model are in {@link ReferenceInputs}, the views and their references in
 * {@link ReferenceViews}, the kits that run them in {@link ReferenceKits}.
 *
 * <p>On a mismatch the test shrinks the operation history to a minimal sequence that still fails (first
 * against a kit running only the failing view, else against the original kit) and fails with the seed,
 * the minimal sequence as copy-pastable Java, what the reference expected and what the view held.
 */
class ReferenceEvaluatorTest {
    /**
     * Ops per seed: half as many when the views are on RocksDB (the rocksdb-store module runs this class again),
     * where every op and every check after it costs several times more, to keep CI within its time.
     */
    static final int OPS_PER_SEED = StoreUnderTest.onDisk() ? 125 : 250;

    /** Fewer for the one kit of every view, whose cost per record grows with the square of its size. */
    static final int OPS_ONE_KIT = StoreUnderTest.onDisk() ? 75 : 150;

    /** 20 fixed seeds, spread over the three layouts. */
    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 0x5EED_0000L + i * 7919);
    }

    // A kit's cost per record grows with the number of its topics and stores (the driver scans them for
    // every internal record, and each view adds internal records), so one kit of every view is the dearest
    // layout: it gets the fewest seeds and ops.
    static LongStream oneKitSeeds() {
        return seeds().limit(1);
    }

    static LongStream randomGroupSeeds() {
        return seeds().skip(1).limit(11);
    }

    static LongStream kitPerViewSeeds() {
        return seeds().skip(12);
    }

    static LongStream deadLetterSeeds() {
        return seeds().limit(2);
    }

    /** Seeds whose ops write a quarter of their inserts and updates again at once ({@link ReferenceInputs#burst}). */
    static LongStream burstSeeds() {
        return LongStream.range(0, 4).map(i -> 0xB0257_0000L + i * 7919);
    }

    static final int BURST_PERCENT = 25;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("oneKitSeeds")
    void view_randomOpsAllViewsInOneKit_equalsReferenceAfterEveryOp(long seed) {
        verify(seed, Layout.ONE_KIT);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("randomGroupSeeds")
    void view_randomOpsViewsInRandomGroups_equalsReferenceAfterEveryOp(long seed) {
        verify(seed, Layout.RANDOM_GROUPS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("kitPerViewSeeds")
    void view_randomOpsEachViewInItsOwnKit_equalsReferenceAfterEveryOp(long seed) {
        verify(seed, Layout.KIT_PER_VIEW);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("burstSeeds")
    void view_randomOpsWithBackToBackWritesOfOneKey_equalsReferenceAfterEveryOp(long seed) {
        verify(seed, Layout.RANDOM_GROUPS, BURST_PERCENT);
    }

    /**
     * Valid input never reaches a dead-letter topic. A tombstone on a topic read with {@code View.events}
     * is not an event: EventStream's Javadoc says aggregations skip it, and DESIGN.md reserves the
     * dead-letter topics for records that cannot be read or that a user function throws on.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("deadLetterSeeds")
    void deadLetters_validRandomOps_noneAreWritten(long seed) {
        List<Op> ops = generate(seed, OPS_PER_SEED);
        try (Kits kits = new Kits(Layout.KIT_PER_VIEW.groups(ReferenceViews.all(), seed))) {
            for (int step = 0; step < ops.size(); step++) {
                kits.pipe(ops.get(step));
                if (kits.deadLetters() > 0) {
                    StringBuilder letters = new StringBuilder();
                    for (int i = 0; i < kits.kits.size(); i++) {
                        for (ViewCheck<?> check : kits.groups.get(i)) {
                            kits.kits.get(i).deadLetters(check.definition())
                                    .forEach(letter -> letters.append(String.format("%n    ")).append(letter));
                        }
                    }
                    fail(String.format("%nseed %d: valid op #%d went to dead-letter topics:%n    %s%n"
                            + "dead letters:%s%nops so far:%n%s", seed, step, ops.get(step), letters,
                            history(ops.subList(0, step + 1))));
                }
            }
        }
    }

    static void verify(long seed, Layout layout) {
        verify(seed, layout, 0);
    }

    static void verify(long seed, Layout layout, int burstPercent) {
        List<List<ViewCheck<?>>> groups = layout.groups(ReferenceViews.all(), seed);
        List<Op> ops = generate(seed, layout == Layout.ONE_KIT ? OPS_ONE_KIT : OPS_PER_SEED, new Model(), burstPercent);
        Failure failure = run(ops, groups);
        if (failure != null) {
            fail(report(seed, layout, ops, groups, failure));
        }
    }

    // ---------------------------------------------------------------- shrinking and reporting

    static final long SHRINK_BUDGET_MILLIS = 60_000;

    /** Shrinking replays the ops hundreds of times: do it for the first failure of a run only. */
    static final AtomicBoolean SHRUNK = new AtomicBoolean();

    static String report(long seed, Layout layout, List<Op> ops, List<List<ViewCheck<?>>> groups, Failure failure) {
        List<Op> prefix = ops.subList(0, failure.step() + 1);
        if (SHRUNK.getAndSet(true)) {
            return String.format("%nView '%s' differs from its reference evaluator.%nseed %d, layout %s, after op #%d"
                    + " (an earlier failure of this run has been shrunk; run this seed alone to shrink it)%n%s%n"
                    + "Operation history up to the failing op:%n%s", failure.view(), seed, layout, failure.step(),
                    failure.message(), history(prefix));
        }
        ViewCheck<?> failing = groups.stream().flatMap(List::stream).filter(c -> c.name().equals(failure.view()))
                .findFirst().orElseThrow();
        // replay with as few views as still fail: the view alone, else its kit's views, else every kit
        List<List<ViewCheck<?>>> shrinkWith = List.of(List.of(failing));
        if (failsOn(prefix, shrinkWith, failure.view()) == null) {
            shrinkWith = List.of(groups.stream().filter(g -> g.contains(failing)).findFirst().orElseThrow());
            if (failsOn(prefix, shrinkWith, failure.view()) == null) {
                shrinkWith = groups;
            }
        }
        List<Op> minimal = shrink(prefix, shrinkWith, failure.view());
        Failure last = failsOn(minimal, shrinkWith, failure.view());

        Model model = new Model();
        minimal.forEach(model::apply);
        String actual;
        try (Kits kits = new Kits(shrinkWith)) {
            minimal.forEach(kits::pipe);
            actual = failing.actual(kits.kitOf(failing));
        }
        int views = shrinkWith.stream().mapToInt(List::size).sum();

        StringBuilder out = new StringBuilder();
        out.append(String.format("%nView '%s' differs from its reference evaluator.%n", failure.view()));
        out.append(String.format("seed %d, layout %s, after op #%d of %d%n", seed, layout, failure.step(), ops.size()));
        out.append(String.format("%nMinimal op sequence (%d ops, replayed with %s, op #i piped at %s plus i seconds)"
                + " that still fails:%n", minimal.size(), views == 1 ? "the view alone" : views + " views in "
                + shrinkWith.size() + " kit(s)", ReferenceKits.FIRST_OP));
        minimal.forEach(op -> out.append("    ").append(op).append(System.lineSeparator()));
        out.append(String.format("  expected: %s%n  actual:   %s%n", failing.expected(model), actual));
        if (last != null && last.step() != minimal.size() - 1) {
            out.append(String.format("(it differs first after op #%d of the minimal sequence)%n", last.step()));
        }
        out.append(String.format("%nOriginal mismatch:%s%n", failure.message()));
        out.append(String.format("%nOperation history up to the failing op:%n")).append(history(prefix));
        return out.toString();
    }

    static String history(List<Op> ops) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ops.size(); i++) {
            out.append(String.format("  #%-4d %s%n", i, ops.get(i)));
        }
        return out.toString();
    }

    static Failure failsOn(List<Op> ops, List<List<ViewCheck<?>>> groups, String view) {
        Failure failure = run(ops, groups);
        return failure != null && failure.view().equals(view) ? failure : null;
    }

    /** Greedy delta debugging: drop chunks of ops while the view still fails; keep ops up to the failure. */
    static List<Op> shrink(List<Op> ops, List<List<ViewCheck<?>>> groups, String view) {
        long deadline = System.currentTimeMillis() + SHRINK_BUDGET_MILLIS;
        List<Op> current = new ArrayList<>(ops);
        int chunk = Math.max(1, current.size() / 2);
        while (chunk >= 1 && System.currentTimeMillis() < deadline) {
            boolean removed = false;
            for (int start = 0; start < current.size() && System.currentTimeMillis() < deadline; ) {
                List<Op> candidate = new ArrayList<>(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                Failure failure = candidate.isEmpty() ? null : failsOn(candidate, groups, view);
                if (failure != null) {
                    current = new ArrayList<>(candidate.subList(0, failure.step() + 1));
                    removed = true;
                } else {
                    start += chunk;
                }
            }
            if (!removed) {
                chunk /= 2;
            } else {
                chunk = Math.min(chunk, Math.max(1, current.size() / 2));
            }
        }
        return current;
    }
}
