package dev.unbundled.benchmarks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one run of the benchmarks produced, as written to {@code results/latest.json}.
 *
 * @param startedAt when the run started
 * @param seconds how long the whole run took
 * @param machine what it ran on
 * @param settings the sizes
 * @param streamsSettings the Kafka Streams settings both sides ran with, beyond Kafka Streams' defaults
 * @param figures the figures, in the order they were measured
 */
public record Results(Instant startedAt, double seconds, Machine machine, Settings settings,
                      Map<String, Object> streamsSettings, List<Figure> figures) {
}
