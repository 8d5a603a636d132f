package dev.unbundled;

import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.plan.Plan;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;

/**
 * Erases the DSL's types to the {@code Object}-typed plan. Safe because the typed DSL only ever
 * combines functions and serdes whose types fit.
 */
@SuppressWarnings("unchecked")
final class Erase {
    private Erase() {
    }

    static Topic<Object, Object> topic(Topic<?, ?> topic) {
        return (Topic<Object, Object>) topic;
    }

    static Serde<Object> serde(Serde<?> serde) {
        return (Serde<Object>) serde;
    }

    static Function<Object, Object> function(Function<?, ?> function) {
        return (Function<Object, Object>) function;
    }

    static BiFunction<Object, Object, Object> biFunction(BiFunction<?, ?, ?> function) {
        return (BiFunction<Object, Object, Object>) function;
    }

    static BiPredicate<Object, Object> predicate(BiPredicate<?, ?> predicate) {
        return (BiPredicate<Object, Object>) predicate;
    }

    static Supplier<Object> supplier(Supplier<?> supplier) {
        return (Supplier<Object>) supplier;
    }

    static Plan withValueSerde(Plan plan, Serde<?> serde) {
        return plan.withValueSerde(serde(serde));
    }

    static Plan lookup(Plan plan, ViewDefinition<?, ?> global, Function<?, ?> keyOf, BiFunction<?, ?, ?> joiner) {
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(keyOf, "keyOf");
        Objects.requireNonNull(joiner, "joiner");
        if (!global.isGlobal()) {
            throw new IllegalArgumentException("lookup() needs a global view, but view '" + global.name()
                    + "' is not global; define it with View.from(topic).materialize(\"" + global.name()
                    + "\").global()");
        }
        return new Plan.Lookup(plan, (DefinitionImpl<Object, Object>) global, function(keyOf), biFunction(joiner), null);
    }
}
