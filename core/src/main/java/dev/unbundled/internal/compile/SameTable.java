package dev.unbundled.internal.compile;

import dev.unbundled.internal.plan.Plan;
import dev.unbundled.internal.plan.Plans;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the topics both sides of a same-key join read as tables: a record of such a topic changes both sides
 * of the join at once (a self-join, or two filters of one topic joined).
 */
final class SameTable {
    private SameTable() {
    }

    /**
     * @return the source tables that both plans read, by topic name, in the order {@code left} reads them
     */
    static Map<String, Plan.Source> shared(Plan left, Plan right) {
        Map<String, Plan.Source> leftTables = new LinkedHashMap<>();
        tables(left, leftTables);
        Map<String, Plan.Source> rightTables = new LinkedHashMap<>();
        tables(right, rightTables);
        leftTables.keySet().retainAll(rightTables.keySet());
        return leftTables;
    }

    private static void tables(Plan plan, Map<String, Plan.Source> into) {
        if (plan instanceof Plan.Source source) {
            if (source.isTable()) {
                into.putIfAbsent(source.topic().name(), source);
            }
            return;
        }
        for (Plan child : Plans.children(plan)) {
            tables(child, into);
        }
    }
}
