package dev.unbundled.remote;

/**
 * The answer to a {@link KeyRequest}.
 *
 * <pre>{@code
 * KeyAnswer answer = transport.get("10.0.0.8:7070", request);
 * Optional<Chart> chart = Optional.ofNullable(answer.value()).map(bytes -> chartSerde.deserializer()
 *         .deserialize(null, bytes));
 * }</pre>
 *
 * @param value the value, serialised with the view's value serde, or null if the view has no row for the key
 * @param standby whether a standby copy answered
 * @param lag how many records the answering copy was behind its changelog, 0 for a running active copy
 */
public record KeyAnswer(byte[] value, boolean standby, long lag) {
}
