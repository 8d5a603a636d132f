package dev.unbundled.testkit;

import dev.unbundled.ViewStore;

/**
 * The store the operator and reference tests run their views on. The testkit module runs them in memory;
 * the rocksdb-store module runs the very same test classes again with {@code -Dunbundled.test.store=rocksdb}
 * (the testkit cannot depend on that module, which depends on it).
 */
public final class StoreUnderTest {
    private StoreUnderTest() {
    }

    /** @return the store named by the {@code unbundled.test.store} system property; in memory by default */
    public static ViewStore get() {
        String name = System.getProperty("unbundled.test.store", "in-memory");
        return switch (name) {
            case "in-memory" -> ViewStore.inMemory();
            case "rocksdb" -> rocksDb("store");
            case "rocksdb-ephemeral" -> rocksDb("ephemeral");
            default -> throw new IllegalArgumentException("unbundled.test.store=" + name
                    + " is not a store; use in-memory, rocksdb or rocksdb-ephemeral");
        };
    }

    /** @return whether the tests run their views on RocksDB, where each op costs several times more */
    public static boolean onDisk() {
        return System.getProperty("unbundled.test.store", "in-memory").startsWith("rocksdb");
    }

    private static ViewStore rocksDb(String factory) {
        try {
            return (ViewStore) Class.forName("dev.unbundled.rocksdb.RocksDb").getMethod(factory).invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("unbundled.test.store asks for RocksDB, but unbundled-rocksdb is not on"
                    + " the test classpath", e);
        }
    }
}
