package dev.unbundled.spring;

import dev.unbundled.ViewRuntime;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Binds the views' meters ({@link ViewMeters}) and Kafka Streams' own metrics ({@link StreamsMeters}) to every
 * Micrometer registry of the application, when Micrometer is present:
 *
 * <pre>{@code
 * GET /actuator/metrics/unbundled.view.lag?tag=view:order-notes
 * }</pre>
 */
@AutoConfiguration(after = UnbundledAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(ViewRuntime.class)
public class UnbundledMetricsAutoConfiguration {

    /** Creates the auto-configuration; Spring does. */
    public UnbundledMetricsAutoConfiguration() {
    }

    /**
     * @param views the views
     * @return the views' meters
     */
    @Bean
    ViewMeters unbundledViewMeters(RunningViews views) {
        return new ViewMeters(views.runtime(), views.definitions());
    }

    /** @return the meters of every read, set on the runtime as its read listener */
    @Bean
    ReadMeters unbundledReadMeters() {
        return new ReadMeters();
    }

    /**
     * @param reads the meters of every read
     * @return a customizer that has the runtime tell them of each read
     */
    @Bean
    ViewRuntimeCustomizer unbundledReadMetersCustomizer(ReadMeters reads) {
        return builder -> builder.readListener(reads);
    }

    /**
     * @param views the views
     * @param properties how often new metrics are bound
     * @return Kafka Streams' metrics as meters
     */
    @Bean
    StreamsMeters unbundledStreamsMeters(RunningViews views, UnbundledProperties properties) {
        return new StreamsMeters(views.runtime(), properties.getMetrics().getRefresh());
    }
}
