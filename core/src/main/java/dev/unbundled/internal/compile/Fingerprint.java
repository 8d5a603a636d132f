package dev.unbundled.internal.compile;

import dev.unbundled.ViewIndex;
import dev.unbundled.ViewStore;
import dev.unbundled.internal.plan.Plan;
import dev.unbundled.internal.plan.Plans;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What determines a view's content, hashed: the same definition gives the same fingerprint in every JVM, and
 * a change to what the view holds gives another. The runtime keeps each fingerprint's state apart, so a changed
 * view rebuilds from its inputs and an unchanged one finds its state again.
 *
 * <pre>{@code
 * Fingerprint fingerprint = Fingerprint.of(definition);
 * if (!fingerprint.unreadable().isEmpty()) {
 *     log.warn("{}; set version(...) to force a rebuild when it changes", fingerprint.unreadable());
 * }
 * }</pre>
 *
 * <p><b>Covered.</b>
 * <ul>
 *   <li>The plan, step by step (numbered in the order the DSL wrote them, sources first): each operator, whether
 *       it yields a table, its input topics' names, the view's name, global flag, history, pinned
 *       {@link dev.unbundled.ViewDefinition#version(String) version}, its store choice (the class of the
 *       {@link ViewStore} and whether it keeps state across restarts, not its memory budget), and the compiled
 *       topology's description, which covers the compiler's naming. A looked-up global view counts by its own
 *       fingerprint.</li>
 *   <li>The code of every function and serde in the plan ({@link CodeWalk}, {@link ClassCode}): for a lambda or
 *       a method reference, the class file of the class that wrote it; for any other class of the user's, its
 *       class file and its superclasses' that are user code. With each class file come the class files that sit
 *       beside it (same directory or jar) and that its constant pool names, as classes or in the descriptors of
 *       its fields and methods (one level, not their own references): so a method reference
 *       {@code Order::productId} or a lambda calling {@code order.productId()} covers {@code Order}'s code as
 *       well, when {@code Order} is built with the class that uses it. A class and the classes nested in it
 *       name each other, so they count together.</li>
 *   <li>The values functions hold: a lambda's captured values, an object's instance fields (not transient or
 *       static ones), walked up to {@value CodeWalk#MAX_DEPTH} levels and {@value CodeWalk#MAX_VALUES} values;
 *       strings, numbers, booleans, enums, {@code java.time} values and the like by value; the JDK's lists,
 *       sets and maps by content; a JSON serde by its Java type (and the code of the user's classes in it) and
 *       the settings of its own {@code ObjectMapper} (features, naming strategy, modules).</li>
 *   <li>The JDK's, Kafka's, Jackson's and Unbundled's own classes by name only: their code changes with their
 *       versions, and an upgrade should not rebuild every view. Kafka's and Unbundled's objects are still
 *       walked, so a serde made with {@code Serdes.serdeFrom(serializer, deserializer)} covers its two
 *       functions.</li>
 * </ul>
 *
 * <p><b>Over-approximated</b> (a rebuild where none was needed): any change in a class that writes a lambda
 * changes the fingerprint of every view that uses one of its lambdas, as does any change in the classes beside
 * it that it names; a third-party library class (other than those above) counts by its code, so upgrading it
 * rebuilds the views whose functions hold its objects.
 *
 * <p><b>Missed</b> (set {@code version(...)} when these change):
 * <ul>
 *   <li>Code two steps away: a method that the lambda's class calls on a class that calls another class, or
 *       any class from another jar or directory than the class that names it (a domain module of its own).</li>
 *   <li>A choice at run time between lambdas written in the same class ({@code upper ? a : b}): both are in
 *       the same class file. Use the choice inside one lambda instead, where it is a captured value.</li>
 *   <li>Data a function reads rather than holds: files, system properties, static fields, other services.</li>
 *   <li>The state of library objects a function holds, other than values and collections (a {@code Random}'s
 *       seed, an {@code ObjectMapper} captured by a lambda rather than given to a JSON serde).</li>
 *   <li>Upgrades of the JDK, Kafka, Jackson or Unbundled that change what a view computes.</li>
 * </ul>
 * And, listed in {@link #unreadable()} so the runtime can say so: classes without a class file on the class path
 * (defined at run time), lambdas whose values cannot be read (those of the JDK's own {@code Function.andThen} or
 * {@code compose}, whose module does not open them), and values past the walk's bounds.
 *
 * @param hex the first 12 hex digits of the hash: part of the names of the view's group, topics and state
 * @param unreadable the functions whose code or values could not be read, described for a warning; empty if none
 */
public record Fingerprint(String hex, List<String> unreadable) {

    /**
     * @param definition a view
     * @return its fingerprint; the code of each class is read once per JVM
     */
    public static Fingerprint of(DefinitionImpl<?, ?> definition) {
        Hasher hasher = new Hasher();
        CodeWalk walk = new CodeWalk(hasher);
        ViewStore store = definition.store();
        // 2: source tables keep no changelog of their own; their topics are their logs (TopicRestores). A view
        // stored the other way starts over under a new version rather than finding a store it did not write
        walk.text("unbundled fingerprint 2").text(definition.name()).text(Boolean.toString(definition.isGlobal()))
                .text(store == null ? "the runtime's store" : store.getClass().getName())
                .text(store == null ? "" : Boolean.toString(store.wipesLocalStateOnStart()))
                .text(definition.history().map(Object::toString).orElse("no history"))
                .text(definition.pinnedVersion())
                .text(definition.describe());
        List<String> unreadable = new ArrayList<>();
        String view = "view '" + definition.name() + "': ";
        List<Plan> steps = new ArrayList<>();
        inWrittenOrder(definition.plan(), steps);
        for (int i = 0; i < steps.size(); i++) {
            step(steps.get(i), "step " + (i + 1) + " (" + steps.get(i).operator() + ")", walk, unreadable);
        }
        for (ViewIndex<?, ?> index : definition.indexes()) {
            walk.text(index.name());
            walk.function(index.key(), "the key function of index '" + index.name() + "'");
            walk.function(index.serde(), "the serde of index '" + index.name() + "'");
        }
        walk.missing().forEach(missing -> unreadable.add(view + missing));
        return new Fingerprint(HexFormat.of().formatHex(hasher.digest(), 0, 6), List.copyOf(unreadable));
    }

    /** Sources first, then each step after the steps it reads, left before right. */
    private static void inWrittenOrder(Plan plan, List<Plan> steps) {
        for (Plan child : Plans.children(plan)) {
            inWrittenOrder(child, steps);
        }
        steps.add(plan);
    }

    private static void step(Plan plan, String at, CodeWalk walk, List<String> unreadable) {
        walk.text(plan.operator()).text(Boolean.toString(plan.isTable()));
        if (plan instanceof Plan.Source source) {
            String topic = at + " of topic '" + source.topic().name() + "'";
            walk.text(source.topic().name());
            walk.function(source.keySerde(), "the key serde of " + topic);
            walk.function(source.valueSerde(), "the value serde of " + topic);
        } else if (plan instanceof Plan.Filter filter) {
            walk.function(filter.predicate(), "the predicate of " + at);
        } else if (plan instanceof Plan.MapValues map) {
            walk.function(map.mapper(), "the mapper of " + at);
            walk.function(map.valueSerde(), "the value serde of " + at);
        } else if (plan instanceof Plan.Join join) {
            walk.text(Boolean.toString(join.isLeftJoin()));
            walk.function(join.foreignKey(), "the foreign-key extractor of " + at);
            walk.function(join.joiner(), "the joiner of " + at);
            walk.function(join.valueSerde(), "the value serde of " + at);
        } else if (plan instanceof Plan.Lookup lookup) {
            Fingerprint global = of((DefinitionImpl<?, ?>) lookup.global());
            walk.text(lookup.global().name()).text(global.hex());
            unreadable.addAll(global.unreadable());
            walk.function(lookup.keyOf(), "the key extractor of " + at);
            walk.function(lookup.joiner(), "the joiner of " + at);
            walk.function(lookup.valueSerde(), "the value serde of " + at);
        } else if (plan instanceof Plan.Rekey rekey) {
            walk.function(rekey.keyOf(), "the key extractor of " + at);
            walk.function(rekey.keySerde(), "the key serde of " + at);
        } else if (plan instanceof Plan.Aggregate aggregate) {
            walk.text(aggregate.kind().name());
            walk.function(aggregate.keyOf(), "the grouping key extractor of " + at);
            walk.function(aggregate.keySerde(), "the key serde of " + at);
            walk.function(aggregate.initializer(), "the initializer of " + at);
            walk.function(aggregate.adder(), "the adder of " + at);
            walk.function(aggregate.subtractor(), "the subtractor of " + at);
            walk.function(aggregate.valueSerde(), "the value serde of " + at);
        }
    }
}
