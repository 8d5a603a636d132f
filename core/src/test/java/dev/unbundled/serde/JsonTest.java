package dev.unbundled.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Product(String name, double price, List<String> tags) {
    }

    private final Serde<Product> serde = Json.serde(Product.class);

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
        byte[] newer = "{\"name\":\"Lamp\",\"price\":1,\"tags\":[],\"colour\":\"red\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(serde.deserializer().deserialize("products", newer)).isEqualTo(new Product("Lamp", 1, List.of()));
    }

    @Test
    void deserialize_malformed_throwsSerializationExceptionNamingTypeAndTopic() {
        byte[] broken = "{not json".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserializer().deserialize("products", broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Product").hasMessageContaining("products");
    }

    @Test
    void serde_sameType_isEqual_otherTypeIsNot() {
        assertThat(Json.serde(Product.class)).isEqualTo(serde).hasSameHashCodeAs(serde);
        assertThat(Json.serde(String.class)).isNotEqualTo(serde);
    }

    @Test
    void serde_nullType_throwsNullPointerException() {
        assertThatThrownBy(() -> Json.serde(null)).isInstanceOf(NullPointerException.class).hasMessage("type");
    }
}
