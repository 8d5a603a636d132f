package dev.unbundled;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static DeadLetter letter(String view, long offset, String key, String value) {
        return new DeadLetter(view, "orders", 2, offset, "com.fasterxml.jackson.core.JsonParseException", "bad json",
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void equals_sameFieldsInOtherArrays_isEqualWithTheSameHashCode() {
        DeadLetter one = letter("order-notes", 7, "o-1", "{not json");
        DeadLetter other = letter("order-notes", 7, "o-1", "{not json");

        assertThat(one.key()).isNotSameAs(other.key());
        assertThat(one).isEqualTo(other).hasSameHashCodeAs(other);
    }

    @Test
    void equals_nullKeysAndValues_isEqual() {
        assertThat(letter("order-notes", 7, null, null)).isEqualTo(letter("order-notes", 7, null, null))
                .hasSameHashCodeAs(letter("order-notes", 7, null, null));
    }

    @Test
    void equals_otherValueBytes_isNotEqual() {
        assertThat(letter("order-notes", 7, "o-1", "{not json")).isNotEqualTo(letter("order-notes", 7, "o-1", "{nope"));
    }

    @Test
    void equals_otherKeyBytes_isNotEqual() {
        assertThat(letter("order-notes", 7, "o-1", "{not json")).isNotEqualTo(letter("order-notes", 7, "o-2", "{not json"));
    }

    @Test
    void equals_otherCoordinates_isNotEqual() {
        DeadLetter letter = letter("order-notes", 7, "o-1", "x");

        assertThat(letter).isNotEqualTo(letter("order-notes", 8, "o-1", "x"))
                .isNotEqualTo(letter("other-view", 7, "o-1", "x"))
                .isNotEqualTo(null)
                .isNotEqualTo("DeadLetter");
    }

    @Test
    void of_sameRecordReadTwice_givesEqualLetters() {
        Headers headers = new RecordHeaders()
                .add(DeadLetter.VIEW, bytes("order-notes"))
                .add(DeadLetter.SOURCE_TOPIC, bytes("orders"))
                .add(DeadLetter.SOURCE_PARTITION, bytes("2"))
                .add(DeadLetter.SOURCE_OFFSET, bytes("7"));

        assertThat(DeadLetter.of(headers, bytes("o-1"), bytes("{not json")))
                .isEqualTo(DeadLetter.of(headers, bytes("o-1"), bytes("{not json")));
    }

    @Test
    void toString_namesCoordinatesAndCauseAndSizes_notTheBytes() {
        assertThat(letter("order-notes", 7, "o-1", "{not json")).hasToString("DeadLetter[view=order-notes, source=orders-2@7,"
                + " com.fasterxml.jackson.core.JsonParseException: bad json, key=3 bytes, value=9 bytes]");
        assertThat(letter("order-notes", 7, null, null).toString()).endsWith("key=null, value=null]");
    }

    @Test
    void of_letterCutToFit_givesTheOriginalSizesAndIsTruncated() {
        Headers headers = coordinates()
                .add(DeadLetter.ORIGINAL_KEY_SIZE, bytes("3"))
                .add(DeadLetter.ORIGINAL_VALUE_SIZE, bytes("2000000"));

        DeadLetter letter = DeadLetter.of(headers, bytes("o-1"), bytes("[[[["));

        assertThat(letter.truncated()).isTrue();
        assertThat(letter.originalKeySize()).isEqualTo(3);
        assertThat(letter.originalValueSize()).isEqualTo(2_000_000);
        assertThat(letter.toString()).endsWith("key=3 bytes, value=4 of 2000000 bytes]");
    }

    @Test
    void of_wholeLetter_originalSizesAreItsOwn_notTruncated() {
        DeadLetter letter = DeadLetter.of(coordinates(), null, bytes("{not json"));

        assertThat(letter.truncated()).isFalse();
        assertThat(letter.originalKeySize()).isEqualTo(-1);
        assertThat(letter.originalValueSize()).isEqualTo(9);
    }

    @Test
    void equals_sameBytesOtherOriginalSize_isNotEqual() {
        DeadLetter whole = letter("order-notes", 7, "o-1", "[[[[");
        DeadLetter cut = new DeadLetter("order-notes", "orders", 2, 7, whole.exceptionClass(), whole.exceptionMessage(),
                whole.key(), whole.value(), 3, 2_000_000);

        assertThat(cut).isNotEqualTo(whole);
    }

    private static Headers coordinates() {
        return new RecordHeaders()
                .add(DeadLetter.VIEW, bytes("order-notes"))
                .add(DeadLetter.SOURCE_TOPIC, bytes("orders"))
                .add(DeadLetter.SOURCE_PARTITION, bytes("2"))
                .add(DeadLetter.SOURCE_OFFSET, bytes("7"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
