package dev.unbundled.spring;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The runtime and the views it runs, in the order of their definitions: what health, the endpoint and the
 * meters report on.
 */
final class RunningViews {
    private final ViewRuntime runtime;
    private final List<ViewDefinition<?, ?>> definitions;
    private final List<ReadOnlyView<?, ?>> views;

    RunningViews(ViewRuntime runtime, List<ViewDefinition<?, ?>> definitions) {
        this.runtime = runtime;
        this.definitions = List.copyOf(definitions);
        List<ReadOnlyView<?, ?>> views = new ArrayList<>();
        definitions.forEach(definition -> views.add(runtime.view(definition)));
        this.views = Collections.unmodifiableList(views);
    }

    ViewRuntime runtime() {
        return runtime;
    }

    List<ViewDefinition<?, ?>> definitions() {
        return definitions;
    }

    List<ReadOnlyView<?, ?>> views() {
        return views;
    }

    long deadLetters(String view) {
        return runtime.deadLetters().getOrDefault(view, 0L);
    }
}
