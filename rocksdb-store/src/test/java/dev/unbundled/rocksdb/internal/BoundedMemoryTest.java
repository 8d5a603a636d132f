package dev.unbundled.rocksdb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the shared block cache is cut into shards: as many as keep each at least 8 MiB, at most 64. */
class BoundedMemoryTest {
    @Test
    void shardBits_smallBudget_isOneShard() {
        assertThat(BoundedMemory.SharedMemory.shardBits(1L << 20)).isZero();
        assertThat(BoundedMemory.SharedMemory.shardBits((16L << 20) - 1)).isZero();
    }

    @Test
    void shardBits_growingBudget_keepsShardsOfAtLeast8MiB() {
        assertThat(BoundedMemory.SharedMemory.shardBits(16L << 20)).isEqualTo(1);
        assertThat(BoundedMemory.SharedMemory.shardBits(128L << 20)).isEqualTo(4);
        assertThat(BoundedMemory.SharedMemory.shardBits(512L << 20)).isEqualTo(6);
    }

    @Test
    void shardBits_largeBudget_stopsAt64Shards() {
        assertThat(BoundedMemory.SharedMemory.shardBits(64L << 30)).isEqualTo(6);
    }
}
