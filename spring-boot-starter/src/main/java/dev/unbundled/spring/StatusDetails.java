package dev.unbundled.spring;

import dev.unbundled.ViewStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** A view's status as the JSON that health and the endpoint show. */
final class StatusDetails {
    private StatusDetails() {
    }

    static Map<String, Object> of(ViewStatus status, long deadLetters) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", status.state().name());
        details.put("lag", status.totalLag());
        Map<String, Long> byPartition = new LinkedHashMap<>();
        status.lag().forEach((partition, records) -> byPartition.put(partition.toString(), records));
        details.put("lagByPartition", byPartition);
        status.restoring().ifPresent(restoring -> details.put("restoring", Map.of(
                "restored", restoring.restored(), "total", restoring.total(), "progress", restoring.toString())));
        details.put("restoredRecords", status.restoredRecords());
        details.put("deadLetters", deadLetters);
        status.lastUpdate().ifPresent(instant -> details.put("lastUpdate", instant.toString()));
        return details;
    }
}
