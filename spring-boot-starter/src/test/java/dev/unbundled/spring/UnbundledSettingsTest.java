package dev.unbundled.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the starter does with missing or wrong settings, before any broker is involved. */
class UnbundledSettingsTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UnbundledAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class OneView {
        @Bean
        ViewDefinition<String, String> names() {
            return View.from(Topic.of("names", Serdes.String(), Serdes.String())).materialize("names");
        }
    }

    @Test
    void autoConfiguration_noViewDefinition_runsNoRuntime() {
        runner.withPropertyValues("spring.application.name=settings-test")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ViewRuntime.class));
    }

    @Test
    void autoConfiguration_noBootstrapServers_failsNamingTheProperty() {
        runner.withUserConfiguration(OneView.class).withPropertyValues("spring.application.name=settings-test")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("unbundled.bootstrap-servers"));
    }

    @Test
    void autoConfiguration_noApplicationId_failsNamingBothProperties() {
        runner.withUserConfiguration(OneView.class).withPropertyValues("unbundled.bootstrap-servers=localhost:1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("unbundled.application-id").hasMessageContaining("spring.application.name"));
    }
}
