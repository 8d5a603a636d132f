package dev.unbundled.testkit.integration;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;

/** The next build of the same service: the catalogue's mapper changed to upper case. A class of its own,
 * as a new build of the service's code would be: lambdas written in one class are told apart by that class's code. */
final class CatalogSecondBuild {
    private CatalogSecondBuild() {
    }

    static ViewDefinition<String, String> catalog(Topic<String, String> products) {
        return View.from(products).mapValues(name -> name.toUpperCase(Locale.ROOT), Serdes.String()).materialize("catalog");
    }
}
