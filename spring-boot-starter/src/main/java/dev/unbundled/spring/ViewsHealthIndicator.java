package dev.unbundled.spring;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The views' health, contributed as {@code unbundled}: DOWN until every gating view has caught up with its input
 * topics since start, and again if a view fails or its runtime closes; UP otherwise. The details show, per view,
 * its state, lag, restore progress and dead letters. The starter adds it to the readiness group only, so a view
 * that is still restoring keeps the instance out of the load balancer but never gets it restarted:
 *
 * <pre>{@code
 * GET /actuator/health/readiness   -> 503 {"status":"DOWN", ... "unbundled":{"status":"DOWN","details":{
 *                                        "order-notes":{"state":"RESTORING","caughtUp":false,"lag":1200,...}}}}
 * GET /actuator/health/liveness    -> 200 {"status":"UP"}
 * }</pre>
 */
final class ViewsHealthIndicator implements HealthIndicator {
    private final RunningViews views;
    private final ViewReadiness readiness;

    ViewsHealthIndicator(RunningViews views, ViewReadiness readiness) {
        this.views = views;
        this.readiness = readiness;
    }

    @Override
    public Health health() {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (ReadOnlyView<?, ?> view : views.views()) {
            ViewStatus status = view.status();
            boolean caughtUp = readiness.hasCaughtUp(view.name());
            boolean failed = status.state() == ViewStatus.State.ERROR || status.state() == ViewStatus.State.CLOSED;
            boolean gates = readiness.gates(view.name());
            if (gates && (!caughtUp || failed)) {
                up = false;
            }
            Map<String, Object> viewDetails = new LinkedHashMap<>();
            viewDetails.put("caughtUp", caughtUp);
            viewDetails.put("gatesReadiness", gates);
            viewDetails.putAll(StatusDetails.of(status, views.deadLetters(view.name())));
            details.put(view.name(), viewDetails);
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }
}
