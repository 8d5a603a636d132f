package dev.unbundled.internal;

import java.util.List;

/** Walks plans: their children, and the serdes their steps need before they can run. */
final class Plans {
    private Plans() {
    }

    static List<Plan> children(Plan plan) {
        if (plan instanceof Plan.Source) {
            return List.of();
        } else if (plan instanceof Plan.Join join) {
            return List.of(join.left(), join.right());
        } else if (plan instanceof Plan.Filter filter) {
            return List.of(filter.parent());
        } else if (plan instanceof Plan.MapValues map) {
            return List.of(map.parent());
        } else if (plan instanceof Plan.Lookup lookup) {
            return List.of(lookup.parent());
        } else if (plan instanceof Plan.Rekey rekey) {
            return List.of(rekey.parent());
        } else {
            return List.of(((Plan.Aggregate) plan).parent());
        }
    }

    /**
     * Checks that every step that stores or ships values knows their serde.
     *
     * @throws IllegalStateException naming the view, the step and where to give the serde
     */
    static void requireSerdes(String view, Plan root) {
        if (root.valueSerde() == null) {
            throw new IllegalStateException("View '" + view + "' has no serde for the values of its last step, "
                    + root.operator() + "(); give one with materialize(\"" + view + "\", valueSerde)");
        }
        requireInputSerdes(view, root, true);
    }

    private static void requireInputSerdes(String view, Plan plan, boolean isRoot) {
        for (Plan child : children(plan)) {
            requireInputSerdes(view, child, false);
        }
        if (plan instanceof Plan.Join join && join.foreignKey() != null) {
            requireSerde(view, join.left(), plan);
        } else if (plan instanceof Plan.Rekey rekey) {
            requireSerde(view, rekey.parent(), plan);
        } else if (plan instanceof Plan.Aggregate aggregate) {
            requireSerde(view, aggregate.parent(), plan);
        } else if (plan instanceof Plan.Lookup lookup && lookup.isTable() && !isRoot && lookup.valueSerde() == null) {
            throw new IllegalStateException("View '" + view + "' keeps the result of lookup() in a store but has"
                    + " no serde for its values; give one with withValueSerde(serde) right after lookup()");
        }
    }

    private static void requireSerde(String view, Plan input, Plan step) {
        if (input.valueSerde() == null) {
            throw new IllegalStateException("View '" + view + "': " + step.operator() + "() ships the values of "
                    + input.operator() + "() between tasks but has no serde for them; give one with "
                    + input.operator() + "'s serde argument or withValueSerde(serde) before " + step.operator() + "()");
        }
    }
}
