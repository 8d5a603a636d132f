package dev.unbundled.internal.compile;

import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * An input record some views cannot take in whole, found as it is read, before any view used it: a null key
 * on a topic read as a table, or a record too large for a view to write. It names the views that lose the
 * record, so that only they get a dead letter: the other readers of the topic (events grouped by a value's
 * field need no key) use it as usual.
 */
public final class UnusableRecordException extends SerializationException {
    private static final long serialVersionUID = 1L;

    /** Not serialised: the views matter only to the dead-letter router of the same runtime. */
    private final transient List<String> views;

    /**
     * @param views the views that lose the record
     * @param message why, and what to do
     */
    UnusableRecordException(List<String> views, String message) {
        super(message);
        this.views = List.copyOf(views);
    }

    /** @return the views that lose the record */
    public List<String> views() {
        return views;
    }
}
