package dev.unbundled.benchmarks;

import java.math.BigDecimal;

/**
 * A goal a figure is held against: a bound on its ratio to the baseline, or on its own absolute value.
 * Targets are reported, never asserted: a benchmark that misses one still passes.
 *
 * @param onRatio whether the bound applies to the ratio (Unbundled / baseline) rather than to the value
 * @param atMost whether the bound is an upper one
 * @param bound the bound
 * @param unit how to print an absolute bound
 */
public record Target(boolean onRatio, boolean atMost, double bound, String unit) {

    /**
     * @param bound the highest acceptable ratio
     * @return a target on the ratio
     */
    public static Target ratioAtMost(double bound) {
        return new Target(true, true, bound, "x");
    }

    /**
     * @param bound the lowest acceptable ratio
     * @return a target on the ratio
     */
    public static Target ratioAtLeast(double bound) {
        return new Target(true, false, bound, "x");
    }

    /**
     * @param bound the highest acceptable value
     * @param unit the value's unit
     * @return a target on Unbundled's own value
     */
    public static Target valueAtMost(double bound, String unit) {
        return new Target(false, true, bound, unit);
    }

    /**
     * @param figure a measured figure
     * @return whether the figure meets this target
     */
    public boolean isMetBy(Figure figure) {
        double value = onRatio ? figure.ratio() : figure.measured().value();
        return atMost ? value <= bound : value >= bound;
    }

    /** @return the target as people write it, such as {@code <= 1.2x} or {@code <= 20 ms} */
    public String text() {
        String number = BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
        return (atMost ? "<= " : ">= ") + number + (onRatio ? "x" : " " + unit);
    }
}
