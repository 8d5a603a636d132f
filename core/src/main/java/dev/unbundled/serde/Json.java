package dev.unbundled.serde;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

/**
 * Strict JSON serdes built on Jackson, for records and plain classes. A value that does not say exactly what the
 * type needs fails with Kafka's {@link SerializationException}, whose message gives the reason; a view sends such
 * a record to its dead-letter topic and counts it, rather than guessing. Reading, a serde rejects:
 * <ul>
 *   <li>anything after the value ({@code {...}garbage}, two concatenated objects);</li>
 *   <li>the JSON literal {@code null}: only a Kafka tombstone (a null value) is a delete, and reads as null;</li>
 *   <li>a record component (or {@code @JsonCreator} parameter) that is missing or null, unless it is an
 *       {@code Optional} (read as empty), carries a runtime annotation named {@code Nullable} (any package:
 *       JSpecify, Jakarta, JSR 305, Spring), or is marked {@code @JsonProperty(isRequired = OptBoolean.FALSE)};</li>
 *   <li>a number with a fraction or exponent for an integer type ({@code 1.9}, {@code 1.0} too), text for a
 *       number or boolean ({@code "12"}), a number or boolean for text, a number for an enum.</li>
 * </ul>
 * Writing, it refuses a null in a component it requires, so it never writes what it could not read back (a
 * view's stored values go through the same serde). Unknown properties are ignored, so a producer may add fields
 * before its consumers know them. {@code java.time} types are written as ISO-8601 text. Classes filled through
 * setters or fields are read as Jackson reads them: a missing property keeps the field's initial value (use a
 * record or a {@code @JsonCreator} constructor to have it checked). Never reads Java-serialised objects or type
 * names from the payload: the target type is always the one given here.
 *
 * <pre>{@code
 * record Payment(String accountId, long amount, Instant at, Optional<String> note) {}
 * Topic<String, Payment> payments = Topic.of("payments", Serdes.String(), Json.serde(Payment.class));
 *
 * // a mapper of your own (naming strategy, modules): the strict rules above still apply
 * ObjectMapper snakeCase = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
 * Serde<Payment> snake = Json.serde(Payment.class, snakeCase);
 *
 * // generic types
 * Serde<List<Payment>> batches = Json.serde(new TypeReference<List<Payment>>() {});
 * }</pre>
 */
public final class Json {
    private Json() {
    }

    /**
     * A strict serde that writes values as JSON and reads them back as {@code type}, with the rules of this
     * class. A null value stays null both ways (a delete).
     *
     * @param type the class to read, often a record
     * @param <T> the value type
     * @return the serde; thread-safe
     * @throws NullPointerException if the type is null
     */
    public static <T> Serde<T> serde(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new JsonSerde<>(Strict.DEFAULT.constructType(type), null, Strict.DEFAULT);
    }

    /**
     * A strict serde for a generic type, such as a list or map of records.
     *
     * <pre>{@code
     * Serde<Map<String, Long>> totals = Json.serde(new TypeReference<Map<String, Long>>() {});
     * }</pre>
     *
     * @param type the type to read, as an anonymous {@code TypeReference}
     * @param <T> the value type
     * @return the serde; thread-safe
     * @throws NullPointerException if the type is null
     */
    public static <T> Serde<T> serde(TypeReference<T> type) {
        Objects.requireNonNull(type, "type");
        return new JsonSerde<>(Strict.DEFAULT.getTypeFactory().constructType(type), null, Strict.DEFAULT);
    }

    /**
     * A strict serde that reads and writes with a copy of {@code mapper}: its modules, naming strategy, date
     * formats, annotations and features, unknown properties included, apply, and the strict rules of this class are
     * laid over them. Coercions configured on the mapper for a type ({@code mapper.coercionConfigFor(...)}) win
     * over the strict default. The {@code java.time} and {@code Optional} modules are added where the mapper has
     * none. Later changes to {@code mapper} do not reach the serde: configure it first.
     *
     * @param type the class to read
     * @param mapper the mapper to copy; left unchanged
     * @param <T> the value type
     * @return the serde; thread-safe; equal to another only for the same type and the same mapper object
     * @throws NullPointerException if an argument is null
     */
    public static <T> Serde<T> serde(Class<T> type, ObjectMapper mapper) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapper, "mapper");
        ObjectMapper strict = Strict.over(mapper);
        return new JsonSerde<>(strict.constructType(type), mapper, strict);
    }

    /**
     * A strict serde for a generic type, reading and writing with a copy of {@code mapper} as
     * {@link #serde(Class, ObjectMapper)} does.
     *
     * @param type the type to read, as an anonymous {@code TypeReference}
     * @param mapper the mapper to copy; left unchanged
     * @param <T> the value type
     * @return the serde; thread-safe
     * @throws NullPointerException if an argument is null
     */
    public static <T> Serde<T> serde(TypeReference<T> type, ObjectMapper mapper) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapper, "mapper");
        ObjectMapper strict = Strict.over(mapper);
        JavaType javaType = strict.getTypeFactory().constructType(type);
        return new JsonSerde<>(javaType, mapper, strict);
    }
}
