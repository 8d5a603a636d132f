package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.PLAYS;
import static dev.unbundled.testkit.operators.Fixtures.PRODUCTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Play;
import dev.unbundled.testkit.operators.Fixtures.Product;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Aggregations of a stream of facts: every event counts, in arrival order; null values are not events. */
class OperatorStreamAggregationTest {
    private static final ViewDefinition<String, Long> PLAYS_PER_SONG = View.events(PLAYS)
            .groupBy(Play::song, Serdes.String())
            .count()
            .materialize("plays-per-song");
    private static final ViewDefinition<String, Play> LONGEST_PLAY = View.events(PLAYS)
            .groupBy(Play::song, Serdes.String())
            .reduce((longest, play) -> play.seconds() > longest.seconds() ? play : longest)
            .materialize("longest-play");
    /** Starts at 1000, so a group's value shows whether it was folded from the initializer. */
    private static final ViewDefinition<String, Long> SECONDS_PER_SONG = View.events(PLAYS)
            .groupBy(Play::song, Serdes.String())
            .aggregate(() -> 1000L, (seconds, play) -> seconds + play.seconds(), Serdes.Long())
            .materialize("seconds-per-song");
    private static final ViewDefinition<String, Play> LATEST_PLAY = View.events(PLAYS)
            .latestBy(Play::song, Serdes.String())
            .materialize("latest-play");

    private static final ViewDefinition<String, Long> LONG_PLAYS_PER_SONG = View.events(PLAYS)
            .filter((user, play) -> play.seconds() >= 30)
            .groupBy(Play::song, Serdes.String())
            .count()
            .materialize("long-plays-per-song");
    private static final ViewDefinition<String, Long> PLAYS_PER_SONG_NAME = View.events(PLAYS)
            .mapValues(Play::song, Serdes.String())
            .groupBy(song -> song, Serdes.String())
            .count()
            .materialize("plays-per-song-name");
    /** Songs are looked up in the products topic, as if songs were products: a category per song. */
    private static final ViewDefinition<String, Long> PLAYS_PER_CATEGORY = View.events(PLAYS)
            .lookup(Fixtures.productsGlobal(), Play::song, (play, song) -> song.category())
            .withValueSerde(Serdes.String())
            .groupBy(category -> category, Serdes.String())
            .count()
            .materialize("plays-per-category");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), PLAYS_PER_SONG, LONGEST_PLAY, SECONDS_PER_SONG, LATEST_PLAY,
            LONG_PLAYS_PER_SONG, PLAYS_PER_SONG_NAME, PLAYS_PER_CATEGORY);

    @AfterEach
    void close() {
        kit.close();
    }

    // count

    @Test
    void count_events_countsPerGroup() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).pipe("u-2", new Play("s-1", 20))
                .pipe("u-3", new Play("s-2", 30));

        assertThat(kit.view(PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 2L, "s-2", 1L));
    }

    @Test
    void count_eventsWithSameRecordKey_countsEveryEvent() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).pipe("u-1", new Play("s-1", 10))
                .pipe("u-1", new Play("s-2", 10));

        assertThat(kit.view(PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 2L, "s-2", 1L));
    }

    @Test
    void count_nullValue_isNotAnEventAndLeavesCountsAlone() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).delete("u-1").pipe("u-2", new Play("s-1", 10));

        assertThat(kit.view(PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 2L));
    }

    @Test
    void count_nullValue_isSkippedNotDeadLettered() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).delete("u-1");

        assertThat(kit.deadLetters(PLAYS_PER_SONG)).isEmpty();
    }

    // reduce

    @Test
    void reduce_events_foldsInArrivalOrder() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).pipe("u-2", new Play("s-1", 40))
                .pipe("u-3", new Play("s-1", 20)).pipe("u-4", new Play("s-2", 5));

        assertThat(kit.view(LONGEST_PLAY)).containsExactlyEntriesOf(Map.of(
                "s-1", new Play("s-1", 40), "s-2", new Play("s-2", 5)));
    }

    @Test
    void reduce_nullValue_isSkipped() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).delete("u-1");

        assertThat(kit.view(LONGEST_PLAY)).containsExactlyEntriesOf(Map.of("s-1", new Play("s-1", 10)));
    }

    // aggregate

    @Test
    void aggregate_events_foldFromInitializer() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).pipe("u-1", new Play("s-1", 20))
                .pipe("u-2", new Play("s-2", 5));

        assertThat(kit.view(SECONDS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 1030L, "s-2", 1005L));
    }

    @Test
    void aggregate_nullValue_isSkipped() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).delete("u-1").pipe("u-1", new Play("s-1", 1));

        assertThat(kit.view(SECONDS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 1011L));
    }

    // latestBy

    @Test
    void latestBy_events_keepsLatestEventPerKey() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).pipe("u-2", new Play("s-2", 20))
                .pipe("u-3", new Play("s-1", 5));

        assertThat(kit.view(LATEST_PLAY)).containsExactlyEntriesOf(Map.of(
                "s-1", new Play("s-1", 5), "s-2", new Play("s-2", 20)));
    }

    @Test
    void latestBy_nullValue_isSkipped() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).delete("u-1");

        assertThat(kit.view(LATEST_PLAY)).containsExactlyEntriesOf(Map.of("s-1", new Play("s-1", 10)));
    }

    @Test
    void latestBy_nullValue_isSkippedNotDeadLettered() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).delete("u-1");

        assertThat(kit.deadLetters(LATEST_PLAY)).isEmpty();
    }

    // null values are not events, whichever steps come before the aggregation

    @Test
    void count_afterFilter_nullValueIsSkippedNotDeadLettered() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 40)).delete("u-1");

        assertThat(kit.deadLetters(LONG_PLAYS_PER_SONG)).isEmpty();
    }

    @Test
    void count_afterMapValues_nullValueIsSkippedNotDeadLettered() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 40)).delete("u-1");

        assertThat(kit.deadLetters(PLAYS_PER_SONG_NAME)).isEmpty();
    }

    @Test
    void count_afterLookup_nullValueIsSkippedNotDeadLettered() {
        kit.input(PRODUCTS).pipe("s-1", new Product("Song one", "jazz"));
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 40)).delete("u-1");

        assertThat(kit.deadLetters(PLAYS_PER_CATEGORY)).isEmpty();
    }

    @Test
    void count_afterLookup_countsEnrichedEvents() {
        kit.input(PRODUCTS).pipe("s-1", new Product("Song one", "jazz")).pipe("s-2", new Product("Song two", "jazz"));
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 40)).pipe("u-1", new Play("s-2", 40));

        assertThat(kit.view(PLAYS_PER_CATEGORY)).containsExactlyEntriesOf(Map.of("jazz", 2L));
    }

    // a null group key: the event belongs to no group

    @Test
    void count_nullGroupKey_eventIsSkippedNotDeadLettered() {
        kit.input(PLAYS).pipe("u-1", new Play(null, 10)).pipe("u-2", new Play("s-1", 10));

        assertThat(kit.view(PLAYS_PER_SONG)).containsExactlyEntriesOf(Map.of("s-1", 1L));
        assertThat(kit.deadLetters(PLAYS_PER_SONG)).isEmpty();
    }

    @Test
    void latestBy_nullKey_eventIsSkippedAndKeepsTheLatest() {
        kit.input(PLAYS).pipe("u-1", new Play("s-1", 10)).pipe("u-1", new Play(null, 20));

        assertThat(kit.view(LATEST_PLAY)).containsExactlyEntriesOf(Map.of("s-1", new Play("s-1", 10)));
    }
}
