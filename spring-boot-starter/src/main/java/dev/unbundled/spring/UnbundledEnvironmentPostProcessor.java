package dev.unbundled.spring;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns on the actuator's liveness and readiness probes by default, so that {@code /actuator/health/readiness}
 * waits for the views out of Kubernetes too. The lowest-precedence property source: any setting of the
 * application's own wins.
 *
 * <pre>{@code
 * # in application.properties, to turn the probes off again
 * management.endpoint.health.probes.enabled=false
 * }</pre>
 */
public class UnbundledEnvironmentPostProcessor implements EnvironmentPostProcessor {
    static final String SOURCE = "unbundledDefaults";

    /** Creates the post-processor; Spring Boot does, from {@code META-INF/spring.factories}. */
    public UnbundledEnvironmentPostProcessor() {
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE,
                    Map.of("management.endpoint.health.probes.enabled", "true")));
        }
    }
}
