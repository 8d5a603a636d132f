package dev.unbundled.spring;

import dev.unbundled.ViewRuntime;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The {@code unbundled} actuator endpoint ({@link ViewsEndpoint}), when the actuator is present and the endpoint
 * is exposed:
 *
 * <pre>{@code
 * management.endpoints.web.exposure.include=health,unbundled
 * }</pre>
 */
@AutoConfiguration(after = UnbundledAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(ViewRuntime.class)
public class UnbundledEndpointAutoConfiguration {

    /** Creates the auto-configuration; Spring does. */
    public UnbundledEndpointAutoConfiguration() {
    }

    /**
     * @param views the views
     * @return the endpoint
     */
    @Bean
    @ConditionalOnAvailableEndpoint
    ViewsEndpoint unbundledEndpoint(RunningViews views) {
        return new ViewsEndpoint(views);
    }
}
