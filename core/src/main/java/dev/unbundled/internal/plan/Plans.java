package dev.unbundled.internal.plan;

import java.util.List;

/** Walks plans: their children, and the serdes their steps need before they can run. */
public final class Plans {
    private Plans() {
    }

    public static List<Plan> children(Plan plan) {
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
    public static void requireSerdes(String view, Plan root) {
        if (root.valueSerde() == null) {
            throw new IllegalStateException("View '" + view + "' has no serde for the values of its last step, "
                    + root.operator() + "(); give one with materialize(\"" + view + "\", valueSerde)");
        }
        requireInputSerdes(view, root, true);
        requireStoredJoinSerdes(view, root, root, null);
    }

    private static void requireInputSerdes(String view, Plan plan, boolean isRoot) {
        for (Plan child : children(plan)) {
            requireInputSerdes(view, child, false);
        }
        if (plan instanceof Plan.Join join && join.foreignKey() != null) {
            requireSerde(view, join.left(), plan);
            requireOtherSerde(view, join.right(), plan);
        } else if (plan instanceof Plan.Rekey rekey) {
            requireSerde(view, rekey.parent(), plan);
        } else if (plan instanceof Plan.Aggregate aggregate) {
            requireSerde(view, aggregate.parent(), plan);
        } else if (plan instanceof Plan.Lookup lookup && lookup.isTable() && !isRoot && lookup.valueSerde() == null) {
            throw new IllegalStateException("View '" + view + "' keeps the result of lookup() in a store but has"
                    + " no serde for its values; give one with withValueSerde(serde) right after lookup()");
        }
    }

    /**
     * Checks the joins the compiler keeps in a store of their own, below the view's last step: every
     * foreign-key join, and every same-key join whose result a later step reads with its old values
     * (through filters, value mappings and lookups: a grouping, a re-key or another join). This walk
     * mirrors {@code Compiler.markKeptJoins}; the view's last step is stored with the view's own serde.
     *
     * @param reader the nearest step above {@code plan} that reads its old values, or null if none does
     */
    private static void requireStoredJoinSerdes(String view, Plan root, Plan plan, Plan reader) {
        if (plan instanceof Plan.Filter || plan instanceof Plan.MapValues || plan instanceof Plan.Lookup) {
            requireStoredJoinSerdes(view, root, children(plan).get(0), reader);
        } else if (plan instanceof Plan.Join join) {
            if (plan != root && join.valueSerde() == null && (join.foreignKey() != null || reader != null)) {
                String why = join.foreignKey() != null ? "" : ", because " + reader.operator() + "() reads its old values,";
                throw new IllegalStateException("View '" + view + "' keeps the result of " + join.operator()
                        + "() in a store" + why + " but has no serde for its values; give one with"
                        + " withValueSerde(serde) right after " + join.operator() + "()");
            }
            requireStoredJoinSerdes(view, root, join.left(), join);
            requireStoredJoinSerdes(view, root, join.right(), join);
        } else if (plan instanceof Plan.Rekey || plan instanceof Plan.Aggregate) {
            requireStoredJoinSerdes(view, root, children(plan).get(0), plan);
        }
    }

    private static void requireSerde(String view, Plan input, Plan step) {
        if (input.valueSerde() == null) {
            throw new IllegalStateException("View '" + view + "': " + step.operator() + "() ships the values of "
                    + input.operator() + "() between tasks but has no serde for them; give one with "
                    + serdeArgument(input) + "withValueSerde(serde) before " + step.operator() + "()");
        }
    }

    private static void requireOtherSerde(String view, Plan other, Plan step) {
        if (other.valueSerde() == null) {
            throw new IllegalStateException("View '" + view + "': " + step.operator() + "() ships the values of"
                    + " the other view's " + other.operator() + "() between tasks but has no serde for them; give one"
                    + " with " + serdeArgument(other) + "withValueSerde(serde) on the view passed to "
                    + step.operator() + "()");
        }
    }

    private static String serdeArgument(Plan step) {
        return step instanceof Plan.MapValues ? "mapValues' serde argument or " : "";
    }
}
