package dev.unbundled.testkit.operators;

import dev.unbundled.testkit.StoreUnderTest;
import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static dev.unbundled.testkit.operators.Fixtures.ORDERS;
import static dev.unbundled.testkit.operators.Fixtures.PLAYS;

import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.testkit.ViewTestKit;
import dev.unbundled.testkit.operators.Fixtures.Order;
import dev.unbundled.testkit.operators.Fixtures.Play;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperatorMapValuesTest {
    private static final ViewDefinition<String, Integer> QUANTITIES = View.from(ORDERS)
            .mapValues(Order::quantity, Serdes.Integer())
            .materialize("quantities");
    private static final ViewDefinition<String, String> PRODUCT_IDS = View.from(ORDERS)
            .mapValues(Order::productId)
            .materialize("product-ids", Serdes.String());
    private static final ViewDefinition<String, Integer> LARGE_QUANTITIES = View.from(ORDERS)
            .mapValues(Order::quantity)
            .filter((id, quantity) -> quantity >= 10)
            .materialize("large-quantities", Serdes.Integer());
    private static final ViewDefinition<String, Long> PLAYS_PER_SONG_NAME = View.events(PLAYS)
            .mapValues(play -> play.song().toUpperCase(java.util.Locale.ROOT), Serdes.String())
            .groupBy(song -> song, Serdes.String())
            .count()
            .materialize("plays-per-song-name");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), QUANTITIES, PRODUCT_IDS, LARGE_QUANTITIES, PLAYS_PER_SONG_NAME);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void mapValues_withSerde_transformsEachRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-2", 5));

        assertThat(kit.view(QUANTITIES)).containsExactlyEntriesOf(Map.of("o-1", 2, "o-2", 5));
    }

    @Test
    void mapValues_rowUpdated_showsNewValue() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-1", new Order("p-1", 7));

        assertThat(kit.view(QUANTITIES)).containsExactlyEntriesOf(Map.of("o-1", 7));
    }

    @Test
    void mapValues_rowDeleted_leavesView() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-1", 3)).delete("o-1");

        assertThat(kit.view(QUANTITIES)).containsExactlyEntriesOf(Map.of("o-2", 3));
    }

    @Test
    void mapValues_withoutSerdeThenMaterializeWithSerde_transformsEachRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).pipe("o-2", new Order("p-2", 5));

        assertThat(kit.view(PRODUCT_IDS)).containsExactlyEntriesOf(Map.of("o-1", "p-1", "o-2", "p-2"));
    }

    @Test
    void mapValues_withoutSerdeThenMaterializeWithSerde_deleteRemovesRow() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 2)).delete("o-1");

        assertThat(kit.view(PRODUCT_IDS)).isEmpty();
    }

    @Test
    void mapValues_withoutSerdeFollowedByFilter_serdeGivenAtMaterializeReachesMappedValues() {
        kit.input(ORDERS).pipe("o-1", new Order("p-1", 20)).pipe("o-2", new Order("p-1", 2))
                .pipe("o-1", new Order("p-1", 3)).pipe("o-2", new Order("p-1", 12));

        assertThat(kit.view(LARGE_QUANTITIES)).containsExactlyEntriesOf(Map.of("o-2", 12));
    }

    @Test
    void mapValues_onEvents_aggregatesMappedValues() {
        kit.input(PLAYS).pipe("u-1", new Play("song", 10)).pipe("u-2", new Play("Song", 20))
                .pipe("u-1", new Play("other", 5));

        assertThat(kit.view(PLAYS_PER_SONG_NAME)).containsExactlyEntriesOf(Map.of("SONG", 2L, "OTHER", 1L));
    }
}
