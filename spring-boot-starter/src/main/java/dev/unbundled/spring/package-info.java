/**
 * Spring Boot support: one {@link dev.unbundled.ViewRuntime} built from {@code unbundled.*} properties, every
 * {@link dev.unbundled.ViewDefinition} bean run by it and its {@link dev.unbundled.ReadOnlyView} injectable,
 * readiness gated on catch-up, an actuator endpoint and Micrometer meters. Add the starter and declare views:
 *
 * <pre>{@code
 * @SpringBootApplication
 * class Warehouse {
 *     @Bean
 *     ViewDefinition<String, OrderNote> orderNotes() {
 *         return View.from(ORDERS).join(View.from(PRODUCTS), Order::productId, OrderNote::new)
 *                 .materialize("order-notes", Json.serde(OrderNote.class));
 *     }
 * }
 *
 * @RestController
 * class Notes {
 *     Notes(ReadOnlyView<String, OrderNote> notes) { ... }
 * }
 * }</pre>
 *
 * <p>Everything here is configured by {@link dev.unbundled.spring.UnbundledAutoConfiguration} and its
 * neighbours; the types an application touches are {@link dev.unbundled.spring.UnbundledProperties} and
 * {@link dev.unbundled.spring.ViewRuntimeCustomizer}.
 */
package dev.unbundled.spring;
