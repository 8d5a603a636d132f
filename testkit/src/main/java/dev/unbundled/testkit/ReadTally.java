package dev.unbundled.testkit;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewNotReadyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Counts how reads against a reference ended, safely from several threads, and checks single reads and scans
 * against the reference; {@link ReadReport} is its snapshot.
 */
final class ReadTally {
    private final AtomicLong matching = new AtomicLong();
    private final AtomicLong notReady = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final List<String> wrongAnswers = new ArrayList<>();
    private final AtomicReference<ViewNotReadyException> firstNotReady = new AtomicReference<>();

    /** The outcome of one read. */
    enum Outcome { MATCHING, NOT_READY, WRONG, VOID }

    /**
     * Reads one key and compares it with the reference; a failure of an instance that went down meanwhile
     * ({@code stillUp} says false) counts as nothing.
     */
    <K, V> Outcome get(String instance, ReadOnlyView<K, V> view, K key, Map<K, V> expected,
                       BooleanSupplier stillUp) {
        Optional<V> want = Optional.ofNullable(expected.get(key));
        Optional<V> got;
        try {
            got = view.get(key);
        } catch (ViewNotReadyException e) {
            return stillUp.getAsBoolean() ? notReady(e) : Outcome.VOID;
        } catch (RuntimeException e) {
            return stillUp.getAsBoolean()
                    ? wrong(instance + ": get(" + key + ") threw " + e + "; expected " + describe(want)) : Outcome.VOID;
        }
        if (got.equals(want)) {
            matching.incrementAndGet();
            return Outcome.MATCHING;
        }
        return wrong(instance + ": get(" + key + ") returned " + describe(got) + "; expected " + describe(want));
    }

    /** Scans the whole view and compares it with the reference. */
    <K, V> Outcome all(String instance, ReadOnlyView<K, V> view, Map<K, V> expected,
                       BooleanSupplier stillUp) {
        Map<K, V> got = new LinkedHashMap<>();
        try (Stream<Map.Entry<K, V>> rows = view.all()) {
            rows.forEach(row -> got.put(row.getKey(), row.getValue()));
        } catch (ViewNotReadyException e) {
            return stillUp.getAsBoolean() ? notReady(e) : Outcome.VOID;
        } catch (RuntimeException e) {
            return stillUp.getAsBoolean() ? wrong(instance + ": all() threw " + e) : Outcome.VOID;
        }
        if (got.equals(expected)) {
            matching.incrementAndGet();
            return Outcome.MATCHING;
        }
        return wrong(instance + ": all() " + difference(got, expected));
    }

    ReadReport report() {
        synchronized (wrongAnswers) {
            long m = matching.get();
            long n = notReady.get();
            long w = wrong.get();
            return new ReadReport(m + n + w, m, n, w, wrongAnswers, Optional.ofNullable(firstNotReady.get()));
        }
    }

    private Outcome notReady(ViewNotReadyException e) {
        firstNotReady.compareAndSet(null, e);
        notReady.incrementAndGet();
        return Outcome.NOT_READY;
    }

    private Outcome wrong(String description) {
        synchronized (wrongAnswers) {
            wrong.incrementAndGet();
            if (wrongAnswers.size() < ReadReport.MAX_DESCRIBED) {
                wrongAnswers.add(description);
            }
        }
        return Outcome.WRONG;
    }

    private static <K, V> String difference(Map<K, V> got, Map<K, V> expected) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        expected.forEach((key, value) -> {
            if (!got.containsKey(key)) {
                missing.add(String.valueOf(key));
            } else if (!Objects.equals(got.get(key), value)) {
                changed.add(key + "=" + got.get(key) + " (expected " + value + ")");
            }
        });
        got.keySet().stream().filter(key -> !expected.containsKey(key)).forEach(key -> extra.add(key + "=" + got.get(key)));
        return "returned " + got.size() + " rows, the reference has " + expected.size() + ": missing "
                + first(missing) + ", extra " + first(extra) + ", different " + first(changed);
    }

    private static String first(List<String> items) {
        return items.size() <= 5 ? items.toString() : items.subList(0, 5) + " and " + (items.size() - 5) + " more";
    }

    private static String describe(Optional<?> value) {
        return value.map(v -> "'" + v + "'").orElse("no row");
    }
}
