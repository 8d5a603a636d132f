package dev.unbundled.internal.compile;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What every record of one input topic is checked for as it is read, before any view uses it, so that a
 * record no view can keep becomes a dead letter with its coordinates instead of a Kafka Streams warning or a
 * failed write:
 *
 * <ul>
 *   <li>a null key, on a topic read as a table: a table row needs a key, and Kafka Streams would drop the
 *       record with a log line. Events need none (they are grouped by a value's field), so on a topic also read
 *       as events the check runs on the table's branch only ({@link #requireKey});</li>
 *   <li>a key, value and headers together larger than a view can write ({@link RecordLimits#rowBytes()}): the
 *       row's changelog write, or the event's repartition write, would fail after the store had taken the row.
 *       Global views write no changelog, so their topics skip this check.</li>
 * </ul>
 *
 * <p>The checks wrap the topic's deserializers, where the bytes and their sizes are known; they cost a null
 * test and a length comparison a record. They check only what is read under the topic's name: a source table
 * keeps the topic's own serdes for its store ({@code Sources}), and restores of the table run the same checks
 * on each restored record ({@link TopicRestores}).
 */
final class InputCheck {
    private final String topic;
    private final List<String> readers;
    private final List<String> tableViews;
    private final boolean keysRequired;
    private final int rowBytes;
    /**
     * The key size of the record being read on this thread. Kafka Streams reads a record's key, then its
     * value, on one thread, so the value's check sees its own record's key; the key and value deserializers
     * are shared by every task and thread, hence a thread-local.
     */
    private final ThreadLocal<int[]> keyBytes = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * @param topic the topic
     * @param readers every view that reads the topic
     * @param tableViews the views that read it as a table
     * @param keysRequired whether the key deserializer refuses null keys (the topic is read as a table only)
     * @param rowBytes the most bytes a record may take, or 0 to check no size
     */
    InputCheck(String topic, List<String> readers, List<String> tableViews, boolean keysRequired, int rowBytes) {
        this.topic = topic;
        this.readers = List.copyOf(readers);
        this.tableViews = List.copyOf(tableViews);
        this.keysRequired = keysRequired;
        this.rowBytes = rowBytes;
    }

    /** @return the topic whose records are checked */
    String topic() {
        return topic;
    }

    /** @return the key serde, its deserializer checking each key as it is read */
    Serde<Object> keys(Serde<Object> serde) {
        return Serdes.serdeFrom(serde.serializer(), new Checked(serde.deserializer(), true));
    }

    /** @return the value serde, its deserializer checking each record's size as it is read */
    Serde<Object> values(Serde<Object> serde) {
        return Serdes.serdeFrom(serde.serializer(), new Checked(serde.deserializer(), false));
    }

    /**
     * The null-key check of a table's branch, on a topic whose records are also read as events.
     *
     * @return true
     * @throws UnusableRecordException if the key is null
     */
    boolean requireKey(Object key) {
        if (key == null) {
            throw nullKey();
        }
        return true;
    }

    private UnusableRecordException nullKey() {
        return new UnusableRecordException(tableViews, "null key: a table row needs a key. Topic '" + topic
                + "' is read as a table by view(s) " + tableViews + ", which cannot keep a record without one; give"
                + " the record a key, or read the topic with View.events(...) if its records are events");
    }

    private void checkKey(byte[] key) {
        if (key == null && keysRequired) {
            throw nullKey();
        }
        keyBytes.get()[0] = key == null ? 0 : key.length;
        if (rowBytes > 0 && key != null && key.length > rowBytes) {
            throw tooLarge(key.length);
        }
    }

    private void checkSize(Headers headers, byte[] value) {
        if (rowBytes <= 0) {
            return;
        }
        long size = keyBytes.get()[0] + (value == null ? 0L : value.length);
        if (headers != null) {
            for (Header header : headers) {
                size += header.key().length() + (header.value() == null ? 0 : header.value().length);
            }
        }
        if (size > rowBytes) {
            throw tooLarge(size);
        }
    }

    private UnusableRecordException tooLarge(long size) {
        return new UnusableRecordException(readers, String.format("record too large: its key, value and headers"
                + " take %,d bytes, over the %,d bytes a view can write to its changelog or internal topics (the"
                + " producer's max.request.size less room for framing). View(s) %s of topic '%s' cannot keep it;"
                + " raise max.request.size (and the topics' max.message.bytes) or make the record smaller",
                size, rowBytes, readers, topic));
    }

    /** A topic's key or value deserializer with the checks in front. */
    private final class Checked implements Deserializer<Object> {
        private final Deserializer<Object> delegate;
        private final boolean key;

        Checked(Deserializer<Object> delegate, boolean key) {
            this.delegate = delegate;
            this.key = key;
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            delegate.configure(configs, isKey);
        }

        @Override
        public Object deserialize(String topic, byte[] data) {
            return InputCheck.this.topic.equals(topic) ? deserialize(topic, null, data) : delegate.deserialize(topic, data);
        }

        @Override
        public Object deserialize(String topic, Headers headers, byte[] data) {
            if (!InputCheck.this.topic.equals(topic)) {
                return delegate.deserialize(topic, headers, data);
            }
            if (key) {
                checkKey(data);
            } else {
                checkSize(headers, data);
            }
            return headers == null ? delegate.deserialize(topic, data) : delegate.deserialize(topic, headers, data);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
