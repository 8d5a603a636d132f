package dev.unbundled.spring;

import dev.unbundled.ViewRuntime;

/**
 * Adjusts the {@link ViewRuntime.Builder} the starter builds from {@code unbundled.*} properties, before the
 * runtime starts: for the settings properties cannot express, such as a default store or an advertised address
 * with its transport. Declare one as a bean; several run in their {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * ViewRuntimeCustomizer rocksDb() {
 *     return builder -> builder.defaultStore(RocksDb.store());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ViewRuntimeCustomizer {

    /**
     * @param builder the builder, with the properties' settings and every view already applied; each setting
     *     can be given once, so a customizer sets only what the properties leave unset
     */
    void customize(ViewRuntime.Builder builder);
}
