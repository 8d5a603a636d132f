package dev.unbundled.serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serdes built on Jackson, for records and plain classes. Unknown properties are ignored, so a
 * producer may add fields before its consumers know them. Never reads Java-serialised objects or type
 * names from the payload: the target class is always the one given here.
 *
 * <pre>{@code
 * record Order(String productId, int quantity) {}
 * Topic<String, Order> orders = Topic.of("orders", Serdes.String(), Json.serde(Order.class));
 * }</pre>
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    /**
     * A serde that writes values as JSON and reads them back as {@code type}. Null stays null (a delete).
     * Malformed JSON fails with Kafka's {@link SerializationException}, which sends the record to the
     * view's dead-letter topic.
     *
     * @param type the class to read, often a record
     * @param <T> the value type
     * @return the serde; thread-safe
     * @throws NullPointerException if the type is null
     */
    public static <T> Serde<T> serde(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new JsonSerde<>(type);
    }

    /** Equal for the same type, so that two descriptions of the same topic can be recognised. */
    private static final class JsonSerde<T> implements Serde<T> {
        private final Class<T> type;
        private final ObjectWriter writer;
        private final ObjectReader reader;

        JsonSerde(Class<T> type) {
            this.type = type;
            this.writer = MAPPER.writerFor(type);
            this.reader = MAPPER.readerFor(type);
        }

        @Override
        public Serializer<T> serializer() {
            return (topic, value) -> {
                if (value == null) {
                    return null;
                }
                try {
                    return writer.writeValueAsBytes(value);
                } catch (IOException e) {
                    throw new SerializationException("Cannot write " + type.getSimpleName() + " as JSON: "
                            + e.getMessage(), e);
                }
            };
        }

        @Override
        public Deserializer<T> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                try {
                    return reader.readValue(bytes);
                } catch (IOException e) {
                    throw new SerializationException("Cannot read " + type.getSimpleName() + " from JSON"
                            + (topic == null ? "" : " in topic '" + topic + "'") + ": " + e.getMessage(), e);
                }
            };
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof JsonSerde<?> that && that.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public String toString() {
            return "Json.serde(" + type.getSimpleName() + ")";
        }
    }
}
