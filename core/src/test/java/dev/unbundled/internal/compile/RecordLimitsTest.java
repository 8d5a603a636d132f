package dev.unbundled.internal.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How large a record the views can write, and how much of a record a dead letter keeps. */
class RecordLimitsTest {

    @Test
    void of_nothingSet_isTheProducersDefaultOfOneMebibyte() {
        RecordLimits limits = RecordLimits.of(Map.of());

        assertThat(limits.maxRequestSize()).isEqualTo(1_048_576);
        assertThat(limits.rowBytes()).isEqualTo(1_048_576 - 1024);
        assertThat(limits.letterBytes()).isEqualTo(524_288);
    }

    @Test
    void of_producerPrefixedSetting_winsOverThePlainOne() {
        RecordLimits limits = RecordLimits.of(Map.of("producer.max.request.size", 4_000_000,
                "max.request.size", 2_000_000));

        assertThat(limits.maxRequestSize()).isEqualTo(4_000_000);
    }

    @Test
    void of_settingAsText_isRead() {
        assertThat(RecordLimits.of(Map.of("max.request.size", " 300000 ")).maxRequestSize()).isEqualTo(300_000);
    }

    @Test
    void of_notAPositiveNumber_failsNamingTheSetting() {
        assertThatThrownBy(() -> RecordLimits.of(Map.of("max.request.size", "big")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max.request.size").hasMessageContaining("big");
        assertThatThrownBy(() -> RecordLimits.of(Map.of("max.request.size", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max.request.size");
    }

    @Test
    void letterBytes_raisedMaxRequestSize_staysUnderWhatABrokerWithDefaultsAccepts() {
        RecordLimits limits = RecordLimits.of(Map.of("max.request.size", 10_000_000));

        assertThat(limits.rowBytes()).isEqualTo(10_000_000 - 1024);
        assertThat(limits.letterBytes()).isEqualTo(524_288);
    }

    @Test
    void letterBytes_loweredMaxRequestSize_isHalfOfIt() {
        RecordLimits limits = RecordLimits.of(Map.of("max.request.size", 100_000));

        assertThat(limits.letterBytes()).isEqualTo(50_000);
        assertThat(limits.rowBytes()).isEqualTo(100_000 - 1024);
    }
}
