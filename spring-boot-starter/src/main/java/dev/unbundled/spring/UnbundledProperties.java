package dev.unbundled.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code unbundled.*} properties the starter builds its {@link dev.unbundled.ViewRuntime} from.
 *
 * <pre>{@code
 * # default: spring.application.name
 * unbundled.application-id=warehouse
 * # default: spring.kafka.bootstrap-servers
 * unbundled.bootstrap-servers=kafka-1:9092
 * # default: .unbundled-state
 * unbundled.state-dir=/var/lib/warehouse/views
 * # any Kafka Streams or client property
 * unbundled.properties.num.stream.threads=2
 * # default: every view gates readiness
 * unbundled.readiness.views=order-notes
 * # how often Kafka Streams metrics that appeared since are bound (default 60s)
 * unbundled.metrics.refresh=60s
 * }</pre>
 */
@ConfigurationProperties("unbundled")
public class UnbundledProperties {
    /** The Kafka Streams application id (the views' consumer group); defaults to spring.application.name. */
    private String applicationId;
    /** The Kafka cluster, as host:port[,host:port...]; defaults to spring.kafka.bootstrap-servers. */
    private String bootstrapServers;
    /** Where the views keep local state; defaults to .unbundled-state in the working directory. */
    private Path stateDir;
    /** Kafka Streams and client properties, such as num.stream.threads; Unbundled's own settings win. */
    private Map<String, String> properties = new LinkedHashMap<>();
    private final Readiness readiness = new Readiness();
    private final Metrics metrics = new Metrics();

    /** @return the Kafka Streams application id, or null to use {@code spring.application.name} */
    public String getApplicationId() {
        return applicationId;
    }

    /** @param applicationId the Kafka Streams application id: the consumer group and internal topics' prefix */
    public void setApplicationId(String applicationId) {
        this.applicationId = applicationId;
    }

    /** @return the Kafka cluster, or null to use {@code spring.kafka.bootstrap-servers} */
    public String getBootstrapServers() {
        return bootstrapServers;
    }

    /** @param bootstrapServers the Kafka cluster, as {@code host:port[,host:port...]} */
    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** @return where local state lives, or null for the runtime's default */
    public Path getStateDir() {
        return stateDir;
    }

    /** @param stateDir where local state lives */
    public void setStateDir(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** @return Kafka Streams and client properties, passed to {@link dev.unbundled.ViewRuntime.Builder#property} */
    public Map<String, String> getProperties() {
        return properties;
    }

    /** @param properties Kafka Streams and client properties */
    public void setProperties(Map<String, String> properties) {
        this.properties = properties;
    }

    /** @return what gates the readiness probe */
    public Readiness getReadiness() {
        return readiness;
    }

    /** @return how the meters are bound */
    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * What gates the readiness probe ({@code /actuator/health/readiness}).
     *
     * <pre>{@code
     * unbundled.readiness.views=order-notes,stock
     * }</pre>
     */
    public static class Readiness {
        /** The names of the views the readiness probe waits for; empty means every view. */
        private List<String> views = new ArrayList<>();

        /** @return the names of the views readiness waits for; empty means every view */
        public List<String> getViews() {
            return views;
        }

        /** @param views the names of the views readiness waits for; empty means every view */
        public void setViews(List<String> views) {
            this.views = views;
        }
    }

    /**
     * How the Micrometer meters are bound.
     *
     * <pre>{@code
     * unbundled.metrics.refresh=30s
     * }</pre>
     */
    public static class Metrics {
        /** How often Kafka Streams metrics that appeared since (new tasks, stores) are bound. */
        private Duration refresh = Duration.ofSeconds(60);

        /** @return how often Kafka Streams metrics that appeared since (new tasks, stores) are bound */
        public Duration getRefresh() {
            return refresh;
        }

        /** @param refresh how often Kafka Streams metrics that appeared since are bound */
        public void setRefresh(Duration refresh) {
            this.refresh = refresh;
        }
    }
}
