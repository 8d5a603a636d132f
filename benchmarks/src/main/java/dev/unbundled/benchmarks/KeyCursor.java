package dev.unbundled.benchmarks;

import java.util.function.LongPredicate;

/**
 * Checks that a view has reached its expected final content, row by row, cheaply enough to poll: it
 * walks the expected rows in order and stops at the first one that is not there yet, so each row is
 * read about once however often it is polled. Rows that reached their final value do not change again
 * in these runs, which is what makes a row behind the cursor final.
 *
 * <pre>{@code
 * KeyCursor cursor = new KeyCursor(renamed.length, i -> renamedName(i).equals(notes.get(orderKey(i))));
 * Poll.until("renames", 500, cursor::reachedEnd);
 * }</pre>
 */
public final class KeyCursor {
    private final long rows;
    private final LongPredicate arrived;
    private long next;

    /**
     * @param rows how many rows to check
     * @param arrived whether row {@code i} has its final value
     */
    public KeyCursor(long rows, LongPredicate arrived) {
        this.rows = rows;
        this.arrived = arrived;
    }

    /** @return whether every row has its final value; advances past the rows that have */
    public boolean reachedEnd() {
        while (next < rows && arrived.test(next)) {
            next++;
        }
        return next == rows;
    }
}
