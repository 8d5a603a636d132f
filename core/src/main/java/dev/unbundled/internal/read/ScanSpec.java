package dev.unbundled.internal.read;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What a scan or a page reads, in serialised keys: optional inclusive bounds, an optional prefix, and the key
 * after which to resume (the last key of the previous page). A cursor is this spec, encoded with the name of
 * the view that handed it out, so that another view refuses it.
 *
 * <p>An empty prefix selects every row. A prefix whose bytes are all {@code 0xFF} has no next prefix to end a
 * store's prefix scan at (Kafka's in-memory store would throw), so it is read as the rows from the prefix on,
 * which are the rows that start with it.
 *
 * @param from the lowest key, inclusive, or null
 * @param to the highest key, inclusive, or null
 * @param prefix the prefix every key starts with, or null
 * @param after the key after which to start, exclusive, or null
 */
public record ScanSpec(byte[] from, byte[] to, byte[] prefix, byte[] after) {
    /** Version 2 names the view; version 1, which did not, is refused. */
    private static final byte VERSION = 2;
    private static final ByteArraySerializer BYTES = new ByteArraySerializer();

    /** An empty prefix is no prefix: every key starts with it. */
    public ScanSpec {
        if (prefix != null && prefix.length == 0) {
            prefix = null;
        }
    }

    static final ScanSpec ALL = new ScanSpec(null, null, null, null);

    static ScanSpec range(byte[] from, byte[] to) {
        return new ScanSpec(from, to, null, null);
    }

    static ScanSpec prefix(byte[] prefix) {
        return new ScanSpec(null, null, prefix, null);
    }

    /** @return the same scan, resumed after the given key */
    ScanSpec after(byte[] key) {
        return new ScanSpec(from, to, prefix, key);
    }

    /** @return whether a serialised key is inside this scan */
    boolean contains(byte[] key) {
        return (from == null || Arrays.compareUnsigned(key, from) >= 0)
                && (to == null || Arrays.compareUnsigned(key, to) <= 0)
                && (prefix == null || startsWith(key, prefix))
                && (after == null || Arrays.compareUnsigned(key, after) > 0);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Opens this scan on one partition's store.
     *
     * @param store the store
     * @param keySerializer the view's key serializer
     * @param keyDeserializer the view's key deserializer, to turn serialised bounds into the store's key type
     * @return the rows of the store inside this scan, in serialised-key order; close it
     */
    public <K, V> KeyValueIterator<K, V> open(ReadOnlyKeyValueStore<K, V> store, Serializer<K> keySerializer,
                                       Deserializer<K> keyDeserializer) {
        byte[] lower = from;
        if (after != null && (lower == null || Arrays.compareUnsigned(after, lower) >= 0)) {
            lower = after;
        }
        KeyValueIterator<K, V> opened;
        if (store instanceof SerialisedScans serialised) {
            byte[] start = prefix != null && (lower == null || Arrays.compareUnsigned(prefix, lower) > 0) ? prefix : lower;
            byte[] end = to;
            byte[] past = prefix == null ? null : successor(prefix);
            if (past != null && (end == null || Arrays.compareUnsigned(past, end) < 0)) {
                end = past;   // read up to the first key past the prefix, not to the store's end
            }
            opened = serialised.scan(start, end);
            if (prefix == null && after == null) {
                return opened;   // the store's own bounds are exactly this scan's
            }
        } else if (prefix != null && lower == null && successor(prefix) != null) {
            opened = store.prefixScan(prefix, BYTES);
        } else {
            if (prefix != null && lower == null) {
                // the keys starting with an all-0xFF prefix are the keys from it on: read them as a range
                lower = prefix;
            }
            K low = lower == null ? null : lowerBound(lower, keySerializer, keyDeserializer);
            opened = low == null && to == null ? store.all()
                    : store.range(low, to == null ? null : keyDeserializer.deserialize(null, to));
        }
        return new Bounded<>(opened, keySerializer);
    }

    /**
     * @param prefix a serialised prefix
     * @return the lowest byte string above every key that starts with the prefix; null if there is none (the
     *     prefix is all {@code 0xFF})
     */
    public static byte[] successor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] past = Arrays.copyOf(prefix, i + 1);
                past[i]++;
                return past;
            }
        }
        return null;
    }

    /**
     * @return a key at or below the serialised lower bound, for a store's range; null (read from the first
     *     key) if the bytes are no key of the view's type, such as a prefix given with its own serializer
     */
    private static <K> K lowerBound(byte[] lower, Serializer<K> keySerializer, Deserializer<K> keyDeserializer) {
        try {
            K key = keyDeserializer.deserialize(null, lower);
            if (key != null && Arrays.compareUnsigned(keySerializer.serialize(null, key), lower) <= 0) {
                return key;
            }
        } catch (RuntimeException notAKey) {
            // not a key of this type: the rows below the bound are skipped one by one instead
        }
        return null;
    }

    /** The store's rows from the lower bound on, skipping the resume key and stopping past the prefix. */
    private final class Bounded<K, V> extends LookaheadRows<K, V> {
        private final KeyValueIterator<K, V> rows;
        private final Serializer<K> keys;
        private boolean done;

        Bounded(KeyValueIterator<K, V> rows, Serializer<K> keys) {
            this.rows = rows;
            this.keys = keys;
        }

        @Override
        protected KeyValue<K, V> advance() {
            while (!done && rows.hasNext()) {
                KeyValue<K, V> row = rows.next();
                byte[] key = SerialisedRow.keyBytes(row, keys);
                if (prefix != null && Arrays.compareUnsigned(key, prefix) > 0 && !startsWith(key, prefix)) {
                    done = true;
                } else if (contains(key)) {
                    return row;
                }
            }
            return null;
        }

        @Override
        public void close() {
            rows.close();
        }
    }

    /**
     * @param view the view handing the cursor out
     * @return this spec as an opaque, URL-safe cursor that only this view accepts
     */
    String encode(String view) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(view);
            for (byte[] part : new byte[][] {from, to, prefix, after}) {
                out.writeInt(part == null ? -1 : part.length);
                if (part != null) {
                    out.write(part);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    /**
     * @param view the view the cursor is given to
     * @param cursor a cursor from {@link #encode(String)}
     * @return the spec
     * @throws IllegalArgumentException if the cursor is not one, or another view handed it out
     */
    static ScanSpec decode(String view, String cursor) {
        String owner;
        ScanSpec spec;
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(
                Base64.getUrlDecoder().decode(cursor)))) {
            if (in.readByte() != VERSION) {
                throw new IOException("unknown version");
            }
            owner = in.readUTF();
            byte[][] parts = new byte[4][];
            for (int i = 0; i < parts.length; i++) {
                int length = in.readInt();
                if (length < -1 || length > in.available()) {
                    throw new IOException("bad length");
                }
                if (length >= 0) {
                    parts[i] = in.readNBytes(length);
                }
            }
            if (in.available() > 0) {
                throw new IOException("trailing bytes");
            }
            spec = new ScanSpec(parts[0], parts[1], parts[2], parts[3]);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("View '" + view + "': '" + cursor + "' is not a cursor this view"
                    + " handed out; pass Page.next() of the previous page", e);
        }
        if (!owner.equals(view)) {
            throw new IllegalArgumentException("View '" + view + "': the cursor was handed out by view '" + owner
                    + "', not by this one; pass it to view '" + owner + "'.nextPage(cursor, limit), or start this"
                    + " view's pages again with page(limit)");
        }
        return spec;
    }

    static Bytes wrap(byte[] key) {
        return key == null ? null : Bytes.wrap(key);
    }
}
