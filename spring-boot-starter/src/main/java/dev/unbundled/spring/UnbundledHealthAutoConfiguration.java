package dev.unbundled.spring;

import dev.unbundled.ViewRuntime;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The views' health indicator, {@code unbundled}, in the readiness group (and so in {@code /actuator/health},
 * but never in liveness): see {@link ViewsHealthIndicator}. Turn it off with
 * {@code management.health.unbundled.enabled=false}.
 *
 * <pre>{@code
 * # the starter's default
 * management.endpoint.health.probes.enabled=true
 * # the views' details in the readiness responses: Boot's own probe groups show none
 * management.endpoint.health.group.readiness.include=readinessState
 * management.endpoint.health.group.readiness.show-details=always
 * }</pre>
 */
@AutoConfiguration(after = UnbundledAutoConfiguration.class,
        afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ViewRuntime.class)
@ConditionalOnEnabledHealthIndicator(UnbundledHealthAutoConfiguration.NAME)
public class UnbundledHealthAutoConfiguration {
    /** The name of the health contributor. */
    static final String NAME = "unbundled";

    /** Creates the auto-configuration; Spring does. */
    public UnbundledHealthAutoConfiguration() {
    }

    /**
     * @param views the views
     * @param readiness which views have caught up
     * @return the indicator, named {@value #NAME} after its bean
     */
    @Bean
    ViewsHealthIndicator unbundledHealthIndicator(RunningViews views, ViewReadiness readiness) {
        return new ViewsHealthIndicator(views, readiness);
    }

    /** @return what puts the indicator in the readiness group */
    @Bean
    @ConditionalOnClass(HealthEndpointGroupsPostProcessor.class)
    static HealthEndpointGroupsPostProcessor unbundledReadinessGroup() {
        return new ReadinessGroupPostProcessor(NAME);
    }
}
