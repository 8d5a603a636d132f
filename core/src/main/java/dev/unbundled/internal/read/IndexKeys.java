package dev.unbundled.internal.read;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * How a view's index store orders its entries. An entry's key is {@code 0x00}, the index key's bytes escaped
 * ({@code 0x00} written {@code 0x00 0x01}), the terminator {@code 0x00 0x00}, then the view key's bytes: so
 * entries sort by index key, then by view key, exactly as the pairs of serialised keys compare unsigned, and
 * every entry of one index key, or of index keys under a prefix, shares a prefix. Beside each entry, a
 * reverse entry, {@code 0x01} then the view key's bytes, holds the escaped index key the row is filed under,
 * so that the writer finds the entry to remove when the row changes without reading the old value.
 *
 * <pre>{@code
 * byte[] entry = IndexKeys.entry(IndexKeys.escape(customerBytes), orderIdBytes);
 * }</pre>
 */
public final class IndexKeys {
    private static final byte ENTRY = 0;
    private static final byte REVERSE = 1;

    private IndexKeys() {
    }

    /** @return the index key's bytes with every {@code 0x00} written as {@code 0x00 0x01} */
    public static byte[] escape(byte[] indexKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(indexKey.length + 4);
        for (byte b : indexKey) {
            out.write(b);
            if (b == 0) {
                out.write(1);
            }
        }
        return out.toByteArray();
    }

    /** @return the entry of a row filed under an escaped index key */
    public static byte[] entry(byte[] escapedIndexKey, byte[] viewKey) {
        byte[] entry = new byte[1 + escapedIndexKey.length + 2 + viewKey.length];
        entry[0] = ENTRY;
        System.arraycopy(escapedIndexKey, 0, entry, 1, escapedIndexKey.length);
        System.arraycopy(viewKey, 0, entry, escapedIndexKey.length + 3, viewKey.length);
        return entry;
    }

    /** @return the reverse entry of a row: where to find the index key it is filed under */
    public static byte[] reverse(byte[] viewKey) {
        byte[] reverse = new byte[1 + viewKey.length];
        reverse[0] = REVERSE;
        System.arraycopy(viewKey, 0, reverse, 1, viewKey.length);
        return reverse;
    }

    /** @return the lowest entry of an index key: below all its rows, above every lower index key's */
    static byte[] first(byte[] indexKey) {
        return terminated(indexKey, (byte) 0);
    }

    /** @return a bound above all entries of an index key and below every higher index key's; never an entry */
    static byte[] last(byte[] indexKey) {
        return terminated(indexKey, (byte) 1);
    }

    /** @return the prefix every entry of index keys starting with these bytes shares */
    static byte[] prefix(byte[] indexKeyPrefix) {
        byte[] escaped = escape(indexKeyPrefix);
        byte[] prefix = new byte[escaped.length + 1];
        prefix[0] = ENTRY;
        System.arraycopy(escaped, 0, prefix, 1, escaped.length);
        return prefix;
    }

    private static byte[] terminated(byte[] indexKey, byte last) {
        byte[] prefix = prefix(indexKey);
        byte[] bound = Arrays.copyOf(prefix, prefix.length + 2);
        bound[bound.length - 1] = last;
        return bound;
    }

    /**
     * @param key a key of the index store
     * @return where the view key starts in an entry, or -1 if the key is no entry (a reverse entry, a bound)
     */
    static int viewKeyAt(byte[] key) {
        if (key.length < 3 || key[0] != ENTRY) {
            return -1;
        }
        for (int i = 1; i < key.length - 1; i++) {
            if (key[i] == 0) {
                if (key[i + 1] == 0) {
                    return i + 2;
                }
                i++;   // an escaped 0x00
            }
        }
        return -1;
    }

    /** @return whether an entry is filed under exactly this escaped index key */
    static boolean filedUnder(byte[] entry, int viewKeyAt, byte[] escapedIndexKey) {
        return viewKeyAt - 3 == escapedIndexKey.length
                && Arrays.equals(entry, 1, viewKeyAt - 2, escapedIndexKey, 0, escapedIndexKey.length);
    }
}
