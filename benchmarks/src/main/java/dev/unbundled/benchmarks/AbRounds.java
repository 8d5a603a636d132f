package dev.unbundled.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Runs Unbundled (A) and its baseline (B) in alternation, A B, B A, A B, ..., so that neither side always
 * runs on a colder JVM or a fuller broker, after one unmeasured warm-up run of each. Reports the median of
 * the measured rounds.
 *
 * @param <R> what one run measures
 */
public final class AbRounds<R> {
    private final List<R> unbundled = new ArrayList<>();
    private final List<R> baseline = new ArrayList<>();

    private AbRounds() {
    }

    /**
     * @param lab the lab, for the number of rounds and the log
     * @param what what is run, for the log
     * @param warmup whether to do the unmeasured warm-up of each side first
     * @param run one run of a side: {@code true} for Unbundled, {@code false} for the baseline; the flag
     *     {@code measured} tells a warm-up run (which may be smaller) from a measured one
     * @param <R> what one run measures
     * @return the measured results of both sides
     */
    public static <R> AbRounds<R> run(Lab lab, String what, boolean warmup, Run<R> run) {
        AbRounds<R> rounds = new AbRounds<>();
        if (warmup) {
            lab.log("%s: warm-up", what);
            lab.settle();
            run.once(true, false);
            lab.settle();
            run.once(false, false);
        }
        for (int round = 0; round < lab.settings().rounds(); round++) {
            boolean unbundledFirst = round % 2 == 0;
            for (boolean unbundled : new boolean[] {unbundledFirst, !unbundledFirst}) {
                lab.settle();
                R result = run.once(unbundled, true);
                lab.log("%s, round %d, %s: %s", what, round + 1, unbundled ? Contenders.UNBUNDLED : "baseline", result);
                (unbundled ? rounds.unbundled : rounds.baseline).add(result);
            }
        }
        return rounds;
    }

    /**
     * @param of the figure to take from each run
     * @return the median over Unbundled's measured runs
     */
    public double unbundled(Function<R, Double> of) {
        return median(unbundled, of);
    }

    /**
     * @param of the figure to take from each run
     * @return the median over the baseline's measured runs
     */
    public double baseline(Function<R, Double> of) {
        return median(baseline, of);
    }

    /**
     * @param of the figure to take from each run
     * @return Unbundled's figure of every measured run, for the JSON
     */
    public List<Double> unbundledRuns(Function<R, Double> of) {
        return unbundled.stream().map(of).toList();
    }

    /**
     * @param of the figure to take from each run
     * @return the baseline's figure of every measured run, for the JSON
     */
    public List<Double> baselineRuns(Function<R, Double> of) {
        return baseline.stream().map(of).toList();
    }

    private static <R> double median(List<R> runs, Function<R, Double> of) {
        double[] values = runs.stream().mapToDouble(of::apply).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /**
     * One run of one side.
     *
     * @param <R> what it measures
     */
    @FunctionalInterface
    public interface Run<R> {
        /**
         * @param unbundled whether to run Unbundled rather than the baseline
         * @param measured false for the warm-up run
         * @return what was measured
         */
        R once(boolean unbundled, boolean measured);
    }

    @Override
    public String toString() {
        return "AbRounds" + Arrays.asList(unbundled, baseline);
    }
}
