package dev.unbundled.benchmarks;

import java.util.List;

/** One end-to-end run: it prepares its data on the lab's broker, runs both sides, and returns figures. */
public interface Scenario {

    /** @return its name, one of {@link Settings#RUNS} */
    String name();

    /**
     * @param lab the broker and the sizes
     * @return the figures measured
     */
    List<Figure> run(Lab lab);
}
