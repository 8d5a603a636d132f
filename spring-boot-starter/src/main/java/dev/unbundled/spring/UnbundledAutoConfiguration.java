package dev.unbundled.spring;

import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Runs every {@link ViewDefinition} bean in one {@link ViewRuntime}, built from {@link UnbundledProperties} and
 * started with the application context; closed (leaving the consumer group) when the context closes, after the
 * web server's graceful shutdown. Each view is also a {@link dev.unbundled.ReadOnlyView} bean, injectable by its
 * generic type or by the name of its definition's bean:
 *
 * <pre>{@code
 * @Bean
 * ViewDefinition<String, OrderNote> orderNotes() { return Warehouse.ORDER_NOTES; }
 *
 * @Autowired ReadOnlyView<String, OrderNote> notes;                            // by type
 * @Autowired @Qualifier("orderNotes") ReadOnlyView<String, OrderNote> same;   // by name (bean "orderNotesView")
 * }</pre>
 *
 * <p>Backs off when the application declares no view, or its own {@link ViewRuntime} bean.
 */
@AutoConfiguration
@ConditionalOnClass(ViewRuntime.class)
@ConditionalOnBean(ViewDefinition.class)
@EnableConfigurationProperties(UnbundledProperties.class)
public class UnbundledAutoConfiguration {

    /** Creates the auto-configuration; Spring does. */
    public UnbundledAutoConfiguration() {
    }

    /**
     * @return the post-processor that adds a {@link dev.unbundled.ReadOnlyView} bean for each definition
     */
    @Bean
    static ReadOnlyViewRegistrar unbundledReadOnlyViewRegistrar() {
        return new ReadOnlyViewRegistrar();
    }

    /**
     * @param properties the {@code unbundled.*} properties
     * @param environment where the fallbacks are read
     * @param definitions every view definition bean
     * @param customizers adjustments to the builder, in their order
     * @return the started runtime
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ViewRuntime unbundledViewRuntime(UnbundledProperties properties, Environment environment,
                                     ObjectProvider<ViewDefinition<?, ?>> definitions,
                                     ObjectProvider<ViewRuntimeCustomizer> customizers) {
        ViewRuntime.Builder builder = ViewRuntime.builder()
                .applicationId(applicationId(properties, environment))
                .bootstrapServers(bootstrapServers(properties, environment));
        if (properties.getStateDir() != null) {
            builder.stateDir(properties.getStateDir());
        }
        properties.getProperties().forEach(builder::property);
        definitions.orderedStream().forEach(builder::view);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.start();
    }

    /**
     * @param runtime the runtime
     * @param definitions every view definition bean
     * @return the views, for health, the endpoint and the meters
     */
    @Bean
    RunningViews unbundledRunningViews(ViewRuntime runtime, ObjectProvider<ViewDefinition<?, ?>> definitions) {
        return new RunningViews(runtime, definitions.orderedStream().collect(Collectors.toList()));
    }

    /**
     * @param views the views
     * @param properties which views gate readiness
     * @return the catch-up tracker
     */
    @Bean
    ViewReadiness unbundledViewReadiness(RunningViews views, UnbundledProperties properties) {
        List<String> named = properties.getReadiness().getViews();
        Set<String> known = new HashSet<>();
        views.views().forEach(view -> known.add(view.name()));
        for (String name : named) {
            if (!known.contains(name)) {
                throw new IllegalStateException("unbundled.readiness.views names view '" + name + "', which is not"
                        + " run here; the views are " + known + ": name those, or leave the property out to wait"
                        + " for every view");
            }
        }
        return new ViewReadiness(views.views().stream()
                .filter(view -> named.isEmpty() || named.contains(view.name()))
                .collect(Collectors.toList()));
    }

    static String applicationId(UnbundledProperties properties, Environment environment) {
        if (properties.getApplicationId() != null && !properties.getApplicationId().isBlank()) {
            return properties.getApplicationId();
        }
        String name = environment.getProperty("spring.application.name");
        if (name != null && !name.isBlank()) {
            return name;
        }
        throw new IllegalStateException("Unbundled needs an application id (the consumer group of the views): set"
                + " unbundled.application-id or spring.application.name");
    }

    static String bootstrapServers(UnbundledProperties properties, Environment environment) {
        if (properties.getBootstrapServers() != null && !properties.getBootstrapServers().isBlank()) {
            return properties.getBootstrapServers();
        }
        // a list, as Spring for Apache Kafka binds it: "a:9092,b:9092" or a YAML sequence
        List<String> servers = Binder.get(environment)
                .bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class)).orElse(List.of());
        if (!servers.isEmpty()) {
            return String.join(",", servers);
        }
        throw new IllegalStateException("Unbundled needs the Kafka cluster to read the views from: set"
                + " unbundled.bootstrap-servers (or spring.kafka.bootstrap-servers), as host:port[,host:port...]");
    }
}
