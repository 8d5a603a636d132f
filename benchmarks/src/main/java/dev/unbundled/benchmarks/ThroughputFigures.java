package dev.unbundled.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Turns A/B rounds of maintenance windows into the three figures every maintenance run reports. */
public final class ThroughputFigures {
    private ThroughputFigures() {
    }

    /**
     * @param run the run's name
     * @param what what a record is in this run, such as {@code orders joined}
     * @param rounds the measured rounds
     * @param window the window of one run to report
     * @param <R> what one run measured
     * @return records per second, and CPU seconds per million records of the process and of the app's threads
     */
    public static <R> List<Figure> of(String run, String what, AbRounds<R> rounds, Function<R, Window> window) {
        return List.of(
                figure(run, what + ", throughput", "records/s", true, rounds, window.andThen(Window::recordsPerSecond),
                        Target.ratioAtLeast(0.9), window),
                figure(run, what + ", CPU (process, broker included)", "CPU s / M records", false, rounds,
                        window.andThen(Window::processCpuPerMillion), Target.ratioAtMost(1.1), window),
                figure(run, what + ", CPU (Streams threads only)", "CPU s / M records", false, rounds,
                        window.andThen(Window::threadCpuPerMillion), Target.ratioAtMost(1.1), window));
    }

    private static <R> Figure figure(String run, String metric, String unit, boolean higherIsBetter, AbRounds<R> rounds,
                                     Function<R, Double> value, Target target, Function<R, Window> window) {
        return new Figure(run, metric, unit, higherIsBetter,
                new Figure.Side(Contenders.UNBUNDLED, rounds.unbundled(value)),
                new Figure.Side(Contenders.HAND_WRITTEN, rounds.baseline(value)), target,
                Map.of("unbundledRuns", rounds.unbundledRuns(value), "baselineRuns", rounds.baselineRuns(value),
                        "recordsPerRun", rounds.unbundledRuns(r -> (double) window.apply(r).records())));
    }
}
