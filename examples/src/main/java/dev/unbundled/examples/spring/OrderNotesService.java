package dev.unbundled.examples.spring;

import dev.unbundled.ViewDefinition;
import dev.unbundled.examples.ordernotes.Warehouse;
import dev.unbundled.examples.ordernotes.Warehouse.OrderNote;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The order notes as a Spring Boot service: the starter runs the view declared below, {@link NotesController}
 * serves it over REST, and the actuator's readiness probe stays DOWN until the view has caught up with the
 * {@code orders} and {@code products} topics (which must exist).
 *
 * <pre>{@code
 * mvn -B -q -pl examples -am install -DskipTests
 * mvn -B -q -pl examples exec:java -Dexec.mainClass=dev.unbundled.examples.spring.OrderNotesService \
 *     -Dexec.args="--spring.kafka.bootstrap-servers=localhost:9092"
 * curl localhost:8080/actuator/health/readiness     # 503 while the view restores, then 200
 * curl localhost:8080/notes/o-1                     # {"product":"Desk lamp","shelf":"A3","quantity":2}
 * }</pre>
 *
 * <p>Its settings are in {@code application.properties}: the application id (the consumer group) is
 * {@code spring.application.name}, the cluster {@code spring.kafka.bootstrap-servers} unless
 * {@code unbundled.bootstrap-servers} is given.
 */
@SpringBootApplication
public class OrderNotesService {

    /** Created by Spring. */
    public OrderNotesService() {
    }

    /**
     * The one view of the service; injectable as {@code ReadOnlyView<String, OrderNote>}.
     *
     * @return the order notes: orders joined with their products
     */
    @Bean
    ViewDefinition<String, OrderNote> orderNotes() {
        return Warehouse.ORDER_NOTES;
    }

    /**
     * Runs the service until it is stopped; Ctrl-C closes the runtime after the web server's graceful shutdown.
     *
     * @param args Spring Boot arguments, such as {@code --spring.kafka.bootstrap-servers=localhost:9092}
     */
    public static void main(String[] args) {
        SpringApplication.run(OrderNotesService.class, args);
    }
}
