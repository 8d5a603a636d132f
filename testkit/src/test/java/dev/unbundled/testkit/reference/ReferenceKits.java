package dev.unbundled.testkit.reference;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.reference.ReferenceInputs.TOPICS;

import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.reference.ReferenceInputs.Model;
import dev.unbundled.testkit.reference.ReferenceInputs.Op;
import dev.unbundled.testkit.reference.ReferenceViews.ViewCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/** Runs {@link ReferenceEvaluatorTest}'s views in test kits, checking each against its reference. */
final class ReferenceKits {
    private ReferenceKits() {
    }

    /** A view that differed from its reference after the op at {@code step}. */
    record Failure(String view, int step, String message) {
    }

    /**
     * How the views are spread over kits. A kit runs each view on a driver of its own, so the layouts differ in
     * how a pipe reaches the views: one kit feeding many drivers, or many kits each fed apart.
     */
    enum Layout {
        /** Every view in one kit: each pipe feeds every view of the topic, as a table or as a stream. */
        ONE_KIT,
        /** The views shuffled by the seed into kits of {@value #GROUP_SIZE}: a different mix on every seed. */
        RANDOM_GROUPS,
        /** Each view in a kit of its own: orders is read as a plain table by the table views. */
        KIT_PER_VIEW;

        static final int GROUP_SIZE = 3;

        List<List<ViewCheck<?>>> groups(List<ViewCheck<?>> checks, long seed) {
            switch (this) {
                case ONE_KIT:
                    return List.of(checks);
                case KIT_PER_VIEW:
                    return checks.stream().map(c -> List.<ViewCheck<?>>of(c)).toList();
                default:
                    List<ViewCheck<?>> shuffled = new ArrayList<>(checks);
                    Collections.shuffle(shuffled, new Random(~seed));
                    List<List<ViewCheck<?>>> groups = new ArrayList<>();
                    for (int i = 0; i < shuffled.size(); i += GROUP_SIZE) {
                        groups.add(List.copyOf(shuffled.subList(i, Math.min(shuffled.size(), i + GROUP_SIZE))));
                    }
                    return groups;
            }
        }
    }

    /** The first op's timestamp; each later op is one second later. */
    static final Instant FIRST_OP = Instant.parse("2024-01-01T00:00:00Z");

    /** @return the timestamp the op at {@code step} (counting from 0) is piped with */
    static Instant timeOf(int step) {
        return FIRST_OP.plusSeconds(step);
    }

    /** One kit per group of views, each fed the ops on the topics it reads. */
    static final class Kits implements AutoCloseable {
        final List<ViewTestKit> kits = new ArrayList<>();
        final List<List<ViewCheck<?>>> groups;
        final List<Set<String>> topicsPerKit = new ArrayList<>();
        /** The reference of each history view after every op so far, oldest first. */
        private final Map<ViewCheck<?>, List<Map<String, ?>>> versions = new HashMap<>();
        private int piped;

        Kits(List<List<ViewCheck<?>>> groups) {
            this.groups = groups;
            for (List<ViewCheck<?>> group : groups) {
                ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), group.stream().map(ViewCheck::definition).toArray(ViewDefinition<?, ?>[]::new));
                kits.add(kit);
                topicsPerKit.add(TOPICS.stream().filter(t -> reads(kit, t)).map(Topic::name).collect(Collectors.toSet()));
            }
        }

        private static boolean reads(ViewTestKit kit, Topic<String, ?> topic) {
            try {
                kit.input(topic);
                return true;
            } catch (IllegalArgumentException notRead) {
                return false;
            }
        }

        /** Pipes the next op, at its own timestamp {@link #timeOf}(number of ops piped before it). */
        void pipe(Op op) {
            Instant timestamp = timeOf(piped++);
            for (int i = 0; i < kits.size(); i++) {
                if (topicsPerKit.get(i).contains(op.topic().name())) {
                    op.pipe(kits.get(i), timestamp);
                }
            }
        }

        /**
         * Checks every view against its reference after op {@code step}. A view that keeps history also
         * remembers its reference at every step, and on {@code pointReads} its {@code getAsOf} at every past
         * op's timestamp is checked against the reference after that op.
         */
        Failure check(Model model, int step, boolean pointReads) {
            for (int i = 0; i < kits.size(); i++) {
                for (ViewCheck<?> check : groups.get(i)) {
                    String mismatch = check.mismatch(kits.get(i), model, pointReads);
                    if (mismatch == null && check.definition().history().isPresent()) {
                        List<Map<String, ?>> past = versions.computeIfAbsent(check, c -> new ArrayList<>());
                        past.add(check.reference().apply(model));
                        mismatch = pointReads ? check.historyMismatch(kits.get(i), past) : null;
                    }
                    if (mismatch != null) {
                        return new Failure(check.name(), step, mismatch);
                    }
                }
            }
            return null;
        }

        ViewTestKit kitOf(ViewCheck<?> check) {
            for (int i = 0; i < kits.size(); i++) {
                if (groups.get(i).contains(check)) {
                    return kits.get(i);
                }
            }
            throw new IllegalArgumentException(check.name());
        }

        long deadLetters() {
            return kits.stream().flatMap(k -> k.deadLetterCounts().values().stream()).mapToLong(Long::longValue).sum();
        }

        @Override
        public void close() {
            kits.forEach(ViewTestKit::close);
        }
    }

    /** Pipes the ops, checking every view after every op. @return the first mismatch, or null */
    static Failure run(List<Op> ops, List<List<ViewCheck<?>>> groups) {
        Model model = new Model();
        try (Kits kits = new Kits(groups)) {
            for (int step = 0; step < ops.size(); step++) {
                Op op = ops.get(step);
                model.apply(op);
                kits.pipe(op);
                Failure failure = kits.check(model, step, step == ops.size() - 1);
                if (failure != null) {
                    return failure;
                }
            }
        }
        return null;
    }
}
