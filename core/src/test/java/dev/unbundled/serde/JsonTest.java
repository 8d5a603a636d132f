package dev.unbundled.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Product(String name, double price, List<String> tags) {
    }

    record Payment(String accountId, long amount) {
    }

    enum Status { OPEN, CLOSED }

    record Ticket(String id, Status status, boolean urgent) {
    }

    record Customer(String name) {
    }

    record Invoice(String id, Customer customer) {
    }

    record Noted(String id, Optional<String> note) {
    }

    /** Stands for JSR 305's, Jakarta's or Spring's: a declaration annotation, matched by its simple name. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
    @interface Nullable {
    }

    /** Stands for JSpecify's: a type-use annotation. */
    static final class TypeUse {
        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.TYPE_USE)
        @interface Nullable {
        }
    }

    record Remark(String id, @Nullable String text) {
    }

    record TypedRemark(String id, @TypeUse.Nullable String text) {
    }

    record Optional2(String id, @JsonProperty(isRequired = OptBoolean.FALSE) String text) {
    }

    record Renamed(@JsonProperty("account") String accountId) {
    }

    record Event(String id, Instant at, Duration took) {
    }

    record SnakePayment(String accountId, long amountCents) {
    }

    /** A plain class read through its creator: checked like a record. */
    static final class Account {
        private final String id;

        @JsonCreator
        Account(@JsonProperty("id") String id) {
            this.id = id;
        }

        public String getId() {
            return id;
        }
    }

    /** A plain class filled through setters: read as Jackson reads it. */
    static final class Settings {
        private String theme = "light";

        public String getTheme() {
            return theme;
        }

        public void setTheme(String theme) {
            this.theme = theme;
        }
    }

    private final Serde<Product> serde = Json.serde(Product.class);
    private final Serde<Payment> payments = Json.serde(Payment.class);

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T read(Serde<T> serde, String json) {
        return serde.deserializer().deserialize("payments", bytes(json));
    }

    private static String write(Serde<?> serde, Object value) {
        @SuppressWarnings("unchecked")
        Serde<Object> untyped = (Serde<Object>) serde;
        return new String(untyped.serializer().serialize("payments", value), StandardCharsets.UTF_8);
    }

    private static AbstractThrowableAssert<?, ?> assertReadFails(Serde<?> serde, String json) {
        return assertThatThrownBy(() -> read(serde, json)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("in topic 'payments'");
    }

    // round trips and tombstones

    @Test
    void serde_record_roundTrips() {
        Product lamp = new Product("Lamp", 12.5, List.of("home", "light"));

        byte[] bytes = serde.serializer().serialize("products", lamp);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Lamp\",\"price\":12.5,\"tags\":[\"home\",\"light\"]}");
        assertThat(serde.deserializer().deserialize("products", bytes)).isEqualTo(lamp);
    }

    @Test
    void serde_null_staysNullBothWays() {
        assertThat(serde.serializer().serialize("products", null)).isNull();
        assertThat(serde.deserializer().deserialize("products", null)).isNull();
    }

    @Test
    void deserialize_unknownProperty_isIgnored() {
        byte[] newer = bytes("{\"name\":\"Lamp\",\"price\":1,\"tags\":[],\"colour\":\"red\"}");

        assertThat(serde.deserializer().deserialize("products", newer)).isEqualTo(new Product("Lamp", 1, List.of()));
    }

    @Test
    void deserialize_malformed_throwsSerializationExceptionNamingTypeAndTopic() {
        byte[] broken = bytes("{not json");

        assertThatThrownBy(() -> serde.deserializer().deserialize("products", broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Product").hasMessageContaining("products");
    }

    @Test
    void deserialize_nullLiteral_throwsSayingItIsNotADelete() {
        assertReadFails(payments, "null").hasMessageContaining("JSON literal null").hasMessageContaining("tombstone");
    }

    @Test
    void deserialize_emptyValue_throws() {
        assertReadFails(payments, "").hasMessageContaining("Payment");
    }

    // trailing tokens

    @Test
    void deserialize_garbageAfterObject_throws() {
        assertReadFails(payments, "{\"accountId\":\"a-1\",\"amount\":5}garbage").hasMessageContaining("garbage");
    }

    @Test
    void deserialize_twoConcatenatedObjects_throwsNamingTrailingToken() {
        assertReadFails(payments, "{\"accountId\":\"a-1\",\"amount\":5}{\"accountId\":\"a-2\",\"amount\":6}")
                .hasMessageContaining("Trailing token");
    }

    @Test
    void deserialize_trailingWhitespace_isAccepted() {
        assertThat(read(payments, "{\"accountId\":\"a-1\",\"amount\":5}\n ")).isEqualTo(new Payment("a-1", 5));
    }

    // missing and null components

    @Test
    void deserialize_missingComponent_throwsNamingComponentAndFix() {
        assertReadFails(payments, "{\"accountId\":\"a-1\"}")
                .hasMessageContaining("Missing required creator property 'amount'")
                .hasMessageContaining("Optional");
    }

    @Test
    void deserialize_missingTextComponent_throws() {
        assertReadFails(payments, "{\"amount\":5}").hasMessageContaining("'accountId'");
    }

    @Test
    void deserialize_nullComponent_throwsNamingComponentAndFix() {
        assertReadFails(payments, "{\"accountId\":null,\"amount\":5}")
                .hasMessageContaining("null").hasMessageContaining("accountId").hasMessageContaining("Nullable");
    }

    @Test
    void deserialize_nullPrimitiveComponent_throws() {
        assertReadFails(payments, "{\"accountId\":\"a-1\",\"amount\":null}").hasMessageContaining("amount");
    }

    @Test
    void deserialize_nestedRecordMissingComponent_throwsWithPath() {
        assertReadFails(Json.serde(Invoice.class), "{\"id\":\"i-1\",\"customer\":{}}")
                .hasMessageContaining("'name'").hasMessageContaining("$.customer");
    }

    @Test
    void deserialize_renamedComponentMissing_stillThrows() {
        assertReadFails(Json.serde(Renamed.class), "{}").hasMessageContaining("'account'");
    }

    @Test
    void deserialize_optionalComponentMissingOrNull_readsEmpty() {
        Serde<Noted> noted = Json.serde(Noted.class);

        assertThat(read(noted, "{\"id\":\"n-1\"}")).isEqualTo(new Noted("n-1", Optional.empty()));
        assertThat(read(noted, "{\"id\":\"n-1\",\"note\":null}")).isEqualTo(new Noted("n-1", Optional.empty()));
        assertThat(read(noted, "{\"id\":\"n-1\",\"note\":\"hi\"}")).isEqualTo(new Noted("n-1", Optional.of("hi")));
    }

    @Test
    void serde_optionalComponent_roundTrips() {
        Serde<Noted> noted = Json.serde(Noted.class);

        assertThat(write(noted, new Noted("n-1", Optional.of("hi")))).isEqualTo("{\"id\":\"n-1\",\"note\":\"hi\"}");
        assertThat(read(noted, write(noted, new Noted("n-1", Optional.empty()))))
                .isEqualTo(new Noted("n-1", Optional.empty()));
    }

    @Test
    void deserialize_nullableAnnotatedComponentMissingOrNull_readsNull() {
        Serde<Remark> remarks = Json.serde(Remark.class);

        assertThat(read(remarks, "{\"id\":\"r-1\"}")).isEqualTo(new Remark("r-1", null));
        assertThat(read(remarks, "{\"id\":\"r-1\",\"text\":null}")).isEqualTo(new Remark("r-1", null));
        assertReadFails(remarks, "{\"text\":\"t\"}").hasMessageContaining("'id'");
    }

    @Test
    void deserialize_typeUseNullableComponentMissing_readsNull() {
        assertThat(read(Json.serde(TypedRemark.class), "{\"id\":\"r-1\"}")).isEqualTo(new TypedRemark("r-1", null));
    }

    @Test
    void deserialize_componentMarkedNotRequiredMissingOrNull_readsNull() {
        Serde<Optional2> optional = Json.serde(Optional2.class);

        assertThat(read(optional, "{\"id\":\"r-1\"}")).isEqualTo(new Optional2("r-1", null));
        assertThat(read(optional, "{\"id\":\"r-1\",\"text\":null}")).isEqualTo(new Optional2("r-1", null));
    }

    @Test
    void deserialize_jsonCreatorClassMissingParameter_throws() {
        assertReadFails(Json.serde(Account.class), "{}").hasMessageContaining("'id'");
    }

    @Test
    void deserialize_setterClassMissingProperty_keepsInitialValue() {
        assertThat(read(Json.serde(Settings.class), "{}").getTheme()).isEqualTo("light");
    }

    @Test
    void serialize_nullInRequiredComponent_throwsNamingComponent() {
        assertThatThrownBy(() -> payments.serializer().serialize("payments", new Payment(null, 5)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Component 'accountId' of Payment is null")
                .hasMessageContaining("Nullable");
    }

    @Test
    void serde_nullInNullableComponent_roundTrips() {
        Serde<Remark> remarks = Json.serde(Remark.class);

        assertThat(read(remarks, write(remarks, new Remark("r-1", null)))).isEqualTo(new Remark("r-1", null));
    }

    // coercion

    @Test
    void deserialize_fractionIntoLong_throws() {
        assertReadFails(payments, "{\"accountId\":\"a-1\",\"amount\":1.9}").hasMessageContaining("1.9")
                .hasMessageContaining("$.amount");
    }

    @Test
    void deserialize_wholeFloatIntoLong_throws() {
        assertReadFails(payments, "{\"accountId\":\"a-1\",\"amount\":1.0}").hasMessageContaining("1.0");
    }

    @Test
    void deserialize_textIntoLong_throws() {
        assertReadFails(payments, "{\"accountId\":\"a-1\",\"amount\":\"12\"}").hasMessageContaining("\"12\"");
    }

    @Test
    void deserialize_numberIntoText_throws() {
        assertReadFails(payments, "{\"accountId\":12,\"amount\":12}").hasMessageContaining("$.accountId");
    }

    @Test
    void deserialize_textOrNumberIntoBoolean_throws() {
        Serde<Ticket> tickets = Json.serde(Ticket.class);

        assertReadFails(tickets, "{\"id\":\"t\",\"status\":\"OPEN\",\"urgent\":\"true\"}").hasMessageContaining("urgent");
        assertReadFails(tickets, "{\"id\":\"t\",\"status\":\"OPEN\",\"urgent\":1}").hasMessageContaining("urgent");
    }

    @Test
    void deserialize_numberIntoEnum_throws() {
        assertReadFails(Json.serde(Ticket.class), "{\"id\":\"t\",\"status\":1,\"urgent\":true}")
                .hasMessageContaining("status");
    }

    @Test
    void deserialize_integerIntoDouble_isAccepted() {
        assertThat(read(serde, "{\"name\":\"Lamp\",\"price\":12,\"tags\":[]}")).isEqualTo(new Product("Lamp", 12, List.of()));
    }

    @Test
    void deserialize_textIntoTopLevelLong_throws() {
        assertReadFails(Json.serde(Long.class), "\"12\"");
    }

    // configuration

    @Test
    void serde_recordWithInstant_roundTripsAsIsoText() {
        Serde<Event> events = Json.serde(Event.class);
        Event event = new Event("e-1", Instant.parse("2026-12-03T12:00:00.123Z"), Duration.ofSeconds(90));

        String json = write(events, event);

        assertThat(json).isEqualTo("{\"id\":\"e-1\",\"at\":\"2026-12-03T12:00:00.123Z\",\"took\":\"PT1M30S\"}");
        assertThat(read(events, json)).isEqualTo(event);
    }

    @Test
    void serde_ownMapper_namingStrategyHonoured() {
        ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        Serde<SnakePayment> snakePayments = Json.serde(SnakePayment.class, snake);

        assertThat(write(snakePayments, new SnakePayment("a-1", 500))).isEqualTo("{\"account_id\":\"a-1\",\"amount_cents\":500}");
        assertThat(read(snakePayments, "{\"account_id\":\"a-1\",\"amount_cents\":500}")).isEqualTo(new SnakePayment("a-1", 500));
    }

    @Test
    void serde_ownMapper_unknownPropertySettingHonoured() {
        Serde<Payment> failing = Json.serde(Payment.class, new ObjectMapper());

        assertReadFails(failing, "{\"accountId\":\"a-1\",\"amount\":5,\"extra\":1}").hasMessageContaining("extra");
    }

    @Test
    void serde_ownMapper_strictRulesStillApply() {
        ObjectMapper lenient = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Serde<Payment> own = Json.serde(Payment.class, lenient);

        assertReadFails(own, "null").hasMessageContaining("JSON literal null");
        assertReadFails(own, "{\"accountId\":\"a-1\"}").hasMessageContaining("'amount'");
        assertReadFails(own, "{\"accountId\":\"a-1\",\"amount\":1.9}").hasMessageContaining("1.9");
        assertReadFails(own, "{\"accountId\":\"a-1\",\"amount\":\"12\"}").hasMessageContaining("\"12\"");
        assertReadFails(own, "{\"accountId\":\"a-1\",\"amount\":5}{}").hasMessageContaining("Trailing token");
    }

    @Test
    void serde_ownMapper_isLeftUnchanged() throws Exception {
        ObjectMapper lenient = new ObjectMapper();
        Json.serde(Payment.class, lenient);

        assertThat(lenient.readValue("{\"accountId\":\"a-1\",\"amount\":1.9}", Payment.class)).isEqualTo(new Payment("a-1", 1));
    }

    @Test
    void serde_ownMapperWithExplicitCoercion_coercionWins() {
        ObjectMapper coercing = new ObjectMapper();
        coercing.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);

        assertThat(read(Json.serde(Payment.class, coercing), "{\"accountId\":\"a-1\",\"amount\":\"12\"}"))
                .isEqualTo(new Payment("a-1", 12));
    }

    @Test
    void serde_ownMapperWithoutJavaTime_readsAndWritesInstant() {
        Serde<Event> events = Json.serde(Event.class, new ObjectMapper());
        Event event = new Event("e-1", Instant.parse("2026-12-03T12:00:00Z"), Duration.ofSeconds(1));

        assertThat(read(events, write(events, event))).isEqualTo(event);
    }

    @Test
    void serde_typeReference_roundTripsListOfRecords() {
        Serde<List<Payment>> batches = Json.serde(new TypeReference<List<Payment>>() { });
        List<Payment> batch = List.of(new Payment("a-1", 5), new Payment("a-2", 6));

        assertThat(read(batches, write(batches, batch))).isEqualTo(batch);
    }

    @Test
    void serde_typeReference_appliesStrictRulesToElements() {
        Serde<Map<String, Long>> totals = Json.serde(new TypeReference<Map<String, Long>>() { });

        assertThat(read(totals, "{\"a\":1}")).isEqualTo(Map.of("a", 1L));
        assertReadFails(totals, "{\"a\":1.5}").hasMessageContaining("1.5");
        assertReadFails(Json.serde(new TypeReference<List<Payment>>() { }), "[{\"accountId\":\"a-1\"}]")
                .hasMessageContaining("'amount'").hasMessageContaining("$[0]");
    }

    @Test
    void serde_typeReferenceWithOwnMapper_usesIt() {
        ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        Serde<List<SnakePayment>> batches = Json.serde(new TypeReference<List<SnakePayment>>() { }, snake);

        assertThat(write(batches, List.of(new SnakePayment("a-1", 5)))).isEqualTo("[{\"account_id\":\"a-1\",\"amount_cents\":5}]");
    }

    // equality and misuse

    @Test
    void serde_sameType_isEqual_otherTypeIsNot() {
        assertThat(Json.serde(Product.class)).isEqualTo(serde).hasSameHashCodeAs(serde);
        assertThat(Json.serde(String.class)).isNotEqualTo(serde);
    }

    @Test
    void serde_sameTypeAndMapper_isEqual_otherMapperIsNot() {
        ObjectMapper mapper = new ObjectMapper();

        assertThat(Json.serde(Product.class, mapper)).isEqualTo(Json.serde(Product.class, mapper));
        assertThat(Json.serde(Product.class, mapper)).isNotEqualTo(Json.serde(Product.class, new ObjectMapper()))
                .isNotEqualTo(serde);
    }

    @Test
    void serde_sameTypeReference_isEqual() {
        assertThat(Json.serde(new TypeReference<List<Product>>() { }))
                .isEqualTo(Json.serde(new TypeReference<List<Product>>() { }))
                .isNotEqualTo(Json.serde(new TypeReference<List<Payment>>() { }));
    }

    @Test
    void serde_nullType_throwsNullPointerException() {
        assertThatThrownBy(() -> Json.serde((Class<?>) null)).isInstanceOf(NullPointerException.class).hasMessage("type");
        assertThatThrownBy(() -> Json.serde((TypeReference<?>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("type");
        assertThatThrownBy(() -> Json.serde((Class<?>) null, new ObjectMapper()))
                .isInstanceOf(NullPointerException.class).hasMessage("type");
        assertThatThrownBy(() -> Json.serde((TypeReference<?>) null, new ObjectMapper()))
                .isInstanceOf(NullPointerException.class).hasMessage("type");
    }

    @Test
    void serde_nullMapper_throwsNullPointerException() {
        assertThatThrownBy(() -> Json.serde(Product.class, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("mapper");
        assertThatThrownBy(() -> Json.serde(new TypeReference<List<Product>>() { }, null))
                .isInstanceOf(NullPointerException.class).hasMessage("mapper");
    }
}
