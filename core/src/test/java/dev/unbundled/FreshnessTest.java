package dev.unbundled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FreshnessTest {

    private static RecordMetadata sent(String topic, int partition, long offset) {
        return new RecordMetadata(new TopicPartition(topic, partition), offset, 0, 0L, 1, 1);
    }

    @Test
    void after_severalWritesToOnePartition_keepsTheHighestOffset() {
        Freshness token = Freshness.after(sent("orders", 0, 7), sent("orders", 0, 3), sent("orders", 1, 2));

        assertThat(token.offsets()).containsExactly(Map.entry(new TopicPartition("orders", 0), 7L),
                Map.entry(new TopicPartition("orders", 1), 2L));
        assertThat(token.isAny()).isFalse();
    }

    @Test
    void and_twoTokens_requiresWhatBothRequire() {
        Freshness token = Freshness.after("orders", 0, 5).and(Freshness.after("orders", 0, 9))
                .and(Freshness.after("products", 2, 1));

        assertThat(token).isEqualTo(Freshness.after(sent("orders", 0, 9), sent("products", 2, 1)));
    }

    @Test
    void any_asksForNothing() {
        assertThat(Freshness.any().isAny()).isTrue();
        assertThat(Freshness.any().offsets()).isEmpty();
        assertThat(Freshness.any().and(Freshness.any())).isEqualTo(Freshness.any());
    }

    @Test
    void after_recordWithoutOffset_failsSayingWhy() {
        RecordMetadata unacknowledged = new RecordMetadata(new TopicPartition("orders", 0), -1, 0, 0L, 1, 1);

        assertThatThrownBy(() -> Freshness.after(unacknowledged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-0").hasMessageContaining("acks");
    }

    @Test
    void after_negativeOffset_isRejected() {
        assertThatThrownBy(() -> Freshness.after("orders", 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void after_nullArguments_areRejected() {
        assertThatThrownBy(() -> Freshness.after((RecordMetadata[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Freshness.after((RecordMetadata) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Freshness.after(null, 0, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Freshness.any().and(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void viewStatus_lagIsSortedAndImmutable_negativeLagRejected() {
        ViewStatus status = new ViewStatus("v", ViewStatus.State.READY, 0,
                Map.of(new TopicPartition("t", 1), 3L, new TopicPartition("t", 0), 0L), 3,
                Optional.of(Instant.EPOCH));

        assertThat(status.lag().keySet()).containsExactly(new TopicPartition("t", 0), new TopicPartition("t", 1));
        assertThatThrownBy(() -> status.lag().put(new TopicPartition("t", 2), 1L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new ViewStatus("v", ViewStatus.State.READY, 0,
                Map.of(new TopicPartition("t", 0), -1L), 0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ViewStatus("v", ViewStatus.State.READY, 0).lag()).isEmpty();
    }
}
