package dev.unbundled.benchmarks;

import java.util.Map;
import java.util.Objects;

/**
 * One measured figure: Unbundled's value beside its baseline's, as the report prints them.
 *
 * <pre>{@code
 * Figure get = new Figure("reads", "get, mean", "ns/op", false,
 *         new Figure.Side("ReadOnlyView.get", 310), new Figure.Side("raw store get", 280),
 *         Target.ratioAtMost(1.2), Map.of());
 * get.ratio(); // 1.11
 * }</pre>
 *
 * @param run the run that measured it: reads, materialise, join, ...
 * @param metric what is measured, such as {@code get, mean}
 * @param unit the unit of both values
 * @param higherIsBetter whether a higher value is better (throughput) or worse (time, CPU)
 * @param measured the side measured: Unbundled's, except in rows that explain a cost
 * @param baseline what Unbundled is compared with; null for a figure that stands alone
 * @param target the goal for this figure, or null
 * @param details further numbers worth keeping in the JSON (samples, allocation, settings)
 */
public record Figure(String run, String metric, String unit, boolean higherIsBetter, Side measured, Side baseline,
                     Target target, Map<String, Object> details) {

    /**
     * One side of a comparison.
     *
     * @param name what was measured, such as {@code ReadOnlyView.get} or {@code hand-written Kafka Streams}
     * @param value its value, in the figure's unit
     */
    public record Side(String name, double value) {
        /** @throws NullPointerException if the name is null */
        public Side {
            Objects.requireNonNull(name, "name");
        }
    }

    /** @throws NullPointerException if a required part is null */
    public Figure {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(measured, "measured");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** @return the measured value divided by the baseline's, or NaN without a baseline */
    public double ratio() {
        return baseline == null ? Double.NaN : measured.value() / baseline.value();
    }

    /** @return whether the figure meets its target; true without one */
    public boolean meetsTarget() {
        return target == null || target.isMetBy(this);
    }
}
