package dev.unbundled.spring;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The actuator endpoint {@code unbundled}: every view this service runs, with its topology and status. Expose
 * it like any endpoint:
 *
 * <pre>{@code
 * management.endpoints.web.exposure.include=health,unbundled
 *
 * GET /actuator/unbundled               -> {"views":[{"name":"order-notes","state":"READY",...}]}
 * GET /actuator/unbundled/order-notes   -> one view, 404 for a view that is not run here
 * }</pre>
 */
@Endpoint(id = "unbundled")
public class ViewsEndpoint {
    private final RunningViews views;

    ViewsEndpoint(RunningViews views) {
        this.views = views;
    }

    /** @return every view, in the order of their definitions */
    @ReadOperation
    public Map<String, Object> views() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (int i = 0; i < views.views().size(); i++) {
            all.add(describe(views.definitions().get(i), views.views().get(i)));
        }
        return Map.of("views", all);
    }

    /**
     * @param name the view's name
     * @return the view, or null (404) if this service does not run it
     */
    @ReadOperation
    public Map<String, Object> view(@Selector String name) {
        for (int i = 0; i < views.views().size(); i++) {
            if (views.views().get(i).name().equals(name)) {
                return describe(views.definitions().get(i), views.views().get(i));
            }
        }
        return null;
    }

    private Map<String, Object> describe(ViewDefinition<?, ?> definition, ReadOnlyView<?, ?> view) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("name", view.name());
        description.put("global", definition.isGlobal());
        // the version a redeploy compares: a new one is built from the input topics before it answers
        description.put("version", definition.fingerprint());
        definition.history().ifPresent(history -> description.put("history", history.toString()));
        description.put("deadLetterTopic", views.runtime().deadLetterTopic(definition));
        description.putAll(StatusDetails.of(view.status(), views.deadLetters(view.name())));
        description.put("topology", definition.describe());
        return description;
    }
}
