package dev.unbundled.serde;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde behind every {@link Json} factory: one reader and one writer, made once. Equal for the same type
 * read with the same mapper, so that two descriptions of the same topic can be recognised.
 */
final class JsonSerde<T> implements Serde<T> {
    private final JavaType type;
    /** The caller's mapper, or null for the default; compared by identity. */
    private final ObjectMapper own;
    private final String name;
    private final ObjectWriter writer;
    private final ObjectReader reader;

    JsonSerde(JavaType type, ObjectMapper own, ObjectMapper strict) {
        this.type = type;
        this.own = own;
        this.name = type.getRawClass().getSimpleName();
        this.writer = strict.writerFor(type);
        this.reader = strict.readerFor(type);
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
                throw new SerializationException("Cannot write " + name + " as JSON" + inTopic(topic) + ": "
                        + reason(e), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            T value;
            try {
                value = reader.readValue(bytes);
            } catch (IOException e) {
                throw new SerializationException("Cannot read " + name + " from JSON" + inTopic(topic) + ": "
                        + reason(e), e);
            }
            if (value == null) {
                throw new SerializationException("Cannot read " + name + " from JSON" + inTopic(topic)
                        + ": the value is the JSON literal null, which is not a delete; to delete a key, write a"
                        + " null value (a tombstone) rather than the text null");
            }
            return value;
        };
    }

    private static String inTopic(String topic) {
        return topic == null ? "" : " in topic '" + topic + "'";
    }

    /** Jackson's own message without its source excerpt, with where in the value it failed and a hint. */
    private static String reason(IOException e) {
        if (!(e instanceof JacksonException jackson)) {
            return String.valueOf(e.getMessage());
        }
        StringBuilder reason = new StringBuilder(String.valueOf(jackson.getOriginalMessage()));
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            reason.append(" (at ").append(path(mapping)).append(')');
        } else if (jackson.getLocation() != null && jackson.getLocation() != JsonLocation.NA) {
            reason.append(" (at line ").append(jackson.getLocation().getLineNr()).append(", column ")
                    .append(jackson.getLocation().getColumnNr()).append(')');
        }
        if (e instanceof InvalidNullException
                || String.valueOf(jackson.getOriginalMessage()).startsWith("Missing required creator property")) {
            reason.append("; ").append(Strict.NULLABLE_HINT);
        }
        return reason.toString();
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder("$");
        for (JsonMappingException.Reference step : e.getPath()) {
            if (step.getFieldName() != null) {
                path.append('.').append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonSerde<?> that && that.type.equals(type) && that.own == own;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return "Json.serde(" + (type.hasGenericTypes() ? type.toCanonical() : name) + (own == null ? "" : ", " + own.getClass().getSimpleName()) + ")";
    }
}
