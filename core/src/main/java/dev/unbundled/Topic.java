package dev.unbundled;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic together with the serdes its records were written with.
 *
 * <p>A topic is a plain value: create it once and use it wherever a view reads it.
 * The key serde captured here is the one every read of a view derived from it uses,
 * so a key is always looked up with the bytes it was written with.
 *
 * <pre>{@code
 * Topic<String, Order> orders = Topic.of("orders", Serdes.String(), Json.serde(Order.class));
 * View<String, Order> byId = View.from(orders);
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Topic<K, V> {
    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    private Topic(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        this.name = name;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    /**
     * Describes a topic and the serdes of its keys and values.
     *
     * @param name the topic name, as Kafka knows it
     * @param keySerde the serde the topic's keys were written with
     * @param valueSerde the serde the topic's values were written with
     * @param <K> the key type
     * @param <V> the value type
     * @return the topic
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the name is not a legal Kafka topic name
     */
    public static <K, V> Topic<K, V> of(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isEmpty() || name.length() > 249 || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("'" + name + "' is not a legal Kafka topic name: use 1 to 249"
                    + " characters out of letters, digits, '.', '_' and '-'");
        }
        return new Topic<>(name, keySerde, valueSerde);
    }

    /** @return the topic name */
    public String name() {
        return name;
    }

    /** @return the serde of the topic's keys */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** @return the serde of the topic's values */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    @Override
    public String toString() {
        return "Topic[" + name + "]";
    }
}
