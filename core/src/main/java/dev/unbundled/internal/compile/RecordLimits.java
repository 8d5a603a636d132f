package dev.unbundled.internal.compile;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How large a record the views can write, taken from the producer's {@code max.request.size}: a row a view
 * keeps is written to its store's changelog, an event it groups to a repartition topic, and a record it
 * cannot use to its dead-letter topic, all through Kafka Streams' producer, which refuses anything larger.
 *
 * @param maxRequestSize the producer's {@code max.request.size}, in bytes
 */
public record RecordLimits(int maxRequestSize) {
    /** The producer's default {@code max.request.size}, which is also about the broker's default {@code message.max.bytes}. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /**
     * What a written record carries besides its key and value bytes: the batch and record framing (under
     * 100 bytes), a stored row's timestamp or count (8 to 12 bytes) and Kafka Streams' headers.
     */
    private static final int FRAMING = 1024;

    /**
     * @param config the Streams configuration, with the user's own settings
     * @return the limits of a runtime run with that configuration: {@code producer.max.request.size} if set,
     *     else {@code max.request.size}, else the producer's default of 1 MiB
     * @throws IllegalArgumentException if the setting is not a positive number
     */
    public static RecordLimits of(Map<?, ?> config) {
        Object size = config.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (size == null) {
            size = config.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        if (size == null) {
            return new RecordLimits(DEFAULT_MAX_REQUEST_SIZE);
        }
        try {
            int bytes = size instanceof Number number ? Math.toIntExact(number.longValue())
                    : Integer.parseInt(size.toString().trim());
            if (bytes <= 0) {
                throw new NumberFormatException("not positive");
            }
            return new RecordLimits(bytes);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("max.request.size must be a positive number of bytes, not '" + size
                    + "'", e);
        }
    }

    /**
     * @return the most bytes an input record's key, value and headers may take together for a view to use
     *     it: what the producer accepts, less room for the framing and what a store adds to a row
     */
    public int rowBytes() {
        return Math.max(maxRequestSize - FRAMING, maxRequestSize / 2);
    }

    /**
     * @return the most key and value bytes a dead letter keeps: half of what both the producer and a broker
     *     with default settings accept, so that the letter and its headers always fit; longer keys and values
     *     are cut to this
     */
    public int letterBytes() {
        return Math.min(maxRequestSize, DEFAULT_MAX_REQUEST_SIZE) / 2;
    }
}
