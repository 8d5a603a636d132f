/**
 * Unbundled: materialised views over Kafka topics, inside your Java service.
 *
 * <p>Declare a view with {@link dev.unbundled.View}, run it with {@link dev.unbundled.ViewRuntime} and
 * read it through {@link dev.unbundled.ReadOnlyView}:
 *
 * <pre>{@code
 * ViewDefinition<String, OrderNote> notes =
 *     View.from(orders)
 *         .join(View.from(products), Order::productId, OrderNote::new)
 *         .materialize("order-notes", Json.serde(OrderNote.class));
 *
 * try (ViewRuntime runtime = ViewRuntime.builder()
 *         .applicationId("warehouse").bootstrapServers("localhost:9092").view(notes).start()) {
 *     runtime.view(notes).awaitReady(Duration.ofSeconds(30)).get("o-1");
 * }
 * }</pre>
 */
package dev.unbundled;
