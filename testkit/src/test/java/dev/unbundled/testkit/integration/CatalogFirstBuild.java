package dev.unbundled.testkit.integration;

import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;

/** The first build of a service: its catalogue keeps names in lower case. */
final class CatalogFirstBuild {
    private CatalogFirstBuild() {
    }

    static ViewDefinition<String, String> catalog(Topic<String, String> products) {
        return View.from(products).mapValues(name -> name.toLowerCase(Locale.ROOT), Serdes.String()).materialize("catalog");
    }
}
