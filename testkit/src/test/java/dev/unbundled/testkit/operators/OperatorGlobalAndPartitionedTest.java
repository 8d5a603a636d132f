package dev.unbundled.testkit.operators;

import static dev.unbundled.testkit.ViewAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Change;
import dev.unbundled.Subscription;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import dev.unbundled.testkit.StoreUnderTest;
import dev.unbundled.testkit.ViewTestKit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A global view of a topic, looked up by another view, and a partitioned view of the same topic, in one kit:
 * each view runs on a driver of its own, as each runs as an application of its own in a runtime, so the
 * topic is read globally by one and partitioned by the other.
 */
class OperatorGlobalAndPartitionedTest {
    record Customer(String name, String city) {
    }

    record Purchase(String customerId, int quantity) {
    }

    record Receipt(String customer, int quantity) {
        static Receipt of(Purchase purchase, Customer customer) {
            return new Receipt(customer.name(), purchase.quantity());
        }
    }

    static final Topic<String, Customer> CUSTOMERS = Topic.of("customers", Serdes.String(), Json.serde(Customer.class));
    static final Topic<String, Purchase> PURCHASES = Topic.of("purchases", Serdes.String(), Json.serde(Purchase.class));

    private static final ViewDefinition<String, Customer> ALL_CUSTOMERS =
            View.from(CUSTOMERS).materialize("all-customers").global();
    private static final ViewDefinition<String, Receipt> RECEIPTS = View.from(PURCHASES)
            .lookup(ALL_CUSTOMERS, Purchase::customerId, Receipt::of)
            .materialize("receipts", Json.serde(Receipt.class));
    private static final ViewDefinition<String, Long> CUSTOMERS_PER_CITY = View.from(CUSTOMERS)
            .groupBy(Customer::city, Serdes.String())
            .count()
            .materialize("customers-per-city");

    private final ViewTestKit kit = ViewTestKit.of(StoreUnderTest.get(), RECEIPTS, CUSTOMERS_PER_CITY);

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void of_globalViewLookedUpAndPartitionedViewOfOneTopic_bothAnswer() {
        kit.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris")).pipe("c-2", new Customer("Bob", "Oslo"))
                .pipe("c-3", new Customer("Cy", "Paris"));
        kit.input(PURCHASES).pipe("p-1", new Purchase("c-1", 2)).pipe("p-2", new Purchase("c-2", 1));

        assertThat(kit.view(RECEIPTS)).containsExactlyEntriesOf(Map.of(
                "p-1", new Receipt("Ann", 2), "p-2", new Receipt("Bob", 1)));
        assertThat(kit.view(CUSTOMERS_PER_CITY)).containsExactlyEntriesOf(Map.of("Paris", 2L, "Oslo", 1L));
        assertThat(kit.view(ALL_CUSTOMERS)).hasSize(3).containsEntry("c-3", new Customer("Cy", "Paris"));
    }

    @Test
    void pipe_customerUpdated_partitionedViewRecountsAndLookupSeesNewValue() {
        kit.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris")).pipe("c-2", new Customer("Bob", "Paris"));
        kit.input(PURCHASES).pipe("p-1", new Purchase("c-2", 1));
        kit.input(CUSTOMERS).pipe("c-2", new Customer("Robert", "Oslo"));
        kit.input(PURCHASES).pipe("p-2", new Purchase("c-2", 3));

        assertThat(kit.view(CUSTOMERS_PER_CITY)).containsExactlyEntriesOf(Map.of("Paris", 1L, "Oslo", 1L));
        // a lookup enriches at arrival: the earlier receipt keeps the name it was made with
        assertThat(kit.view(RECEIPTS)).containsExactlyEntriesOf(Map.of(
                "p-1", new Receipt("Bob", 1), "p-2", new Receipt("Robert", 3)));
        assertThat(kit.view(ALL_CUSTOMERS)).containsEntry("c-2", new Customer("Robert", "Oslo"));
    }

    @Test
    void delete_customerDeleted_leavesBothViews() {
        kit.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris")).pipe("c-2", new Customer("Bob", "Oslo"));
        kit.input(PURCHASES).pipe("p-1", new Purchase("c-2", 1));
        kit.input(CUSTOMERS).delete("c-2");
        kit.input(PURCHASES).pipe("p-2", new Purchase("c-2", 4));

        assertThat(kit.view(CUSTOMERS_PER_CITY)).containsExactlyEntriesOf(Map.of("Paris", 1L));
        assertThat(kit.view(ALL_CUSTOMERS)).containsExactlyEntriesOf(Map.of("c-1", new Customer("Ann", "Paris")));
        // a lookup that finds no customer makes no receipt; the one made before the delete stays
        assertThat(kit.view(RECEIPTS)).containsExactlyEntriesOf(Map.of("p-1", new Receipt("Bob", 1)));
    }

    @Test
    void status_eachView_listsOnlyThePartitionedTopicsItReads() {
        kit.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris"));
        kit.input(PURCHASES).pipe("p-1", new Purchase("c-1", 2));

        assertThat(kit.view(RECEIPTS).status().lag()).containsOnlyKeys(new TopicPartition("purchases", 0));
        assertThat(kit.view(CUSTOMERS_PER_CITY).status().lag()).containsOnlyKeys(new TopicPartition("customers", 0));
    }

    @Test
    void subscribe_partitionedViewOfTheGlobalViewsTopic_seesEveryChange() {
        List<Change<String, Long>> changes = new CopyOnWriteArrayList<>();
        try (Subscription subscription = kit.view(CUSTOMERS_PER_CITY).subscribe(changes::add)) {
            kit.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris")).pipe("c-1", new Customer("Ann", "Oslo"));

            await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() >= 3);
        }
        assertThat(changes).extracting(Change::key).containsExactlyInAnyOrder("Paris", "Paris", "Oslo");
        assertThat(changes).filteredOn(change -> change.key().equals("Paris")).last()
                .satisfies(change -> assertThat(change.isDelete()).isTrue());
    }

    @Test
    void deadLetters_poisonCustomerGlobalViewLookedUpTwice_eachViewOfTheTopicLosesItOnce() {
        ViewDefinition<String, String> purchaseCities = View.from(PURCHASES)
                .lookup(ALL_CUSTOMERS, Purchase::customerId, (purchase, customer) -> customer.city())
                .materialize("purchase-cities", Serdes.String());
        try (ViewTestKit all = ViewTestKit.of(StoreUnderTest.get(), RECEIPTS, purchaseCities, ALL_CUSTOMERS,
                CUSTOMERS_PER_CITY)) {
            all.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris"))
                    .pipeRaw("c-2".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8));

            assertThat(all.deadLetters(ALL_CUSTOMERS)).singleElement()
                    .satisfies(letter -> assertThat(letter.sourceOffset()).isEqualTo(1L));
            assertThat(all.deadLetters(CUSTOMERS_PER_CITY)).singleElement()
                    .satisfies(letter -> assertThat(letter.view()).isEqualTo("customers-per-city"));
            assertThat(all.deadLetterCounts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "all-customers", 1L, "customers-per-city", 1L, "receipts", 0L, "purchase-cities", 0L));
            assertThat(all.view(CUSTOMERS_PER_CITY)).containsExactlyEntriesOf(Map.of("Paris", 1L));
        }
    }

    @Test
    void view_globalViewGivenToTheKitAndLookedUp_answersWithTheLatestRows() {
        try (ViewTestKit all = ViewTestKit.of(StoreUnderTest.get(), ALL_CUSTOMERS, RECEIPTS, CUSTOMERS_PER_CITY)) {
            all.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris")).delete("c-1")
                    .pipe("c-2", new Customer("Bob", "Oslo"));
            all.input(PURCHASES).pipe("p-1", new Purchase("c-2", 1));

            assertThat(all.view(ALL_CUSTOMERS)).containsExactlyEntriesOf(Map.of("c-2", new Customer("Bob", "Oslo")));
            assertThat(all.view(RECEIPTS)).containsExactlyEntriesOf(Map.of("p-1", new Receipt("Bob", 1)));
            assertThat(all.view(CUSTOMERS_PER_CITY)).containsExactlyEntriesOf(Map.of("Oslo", 1L));
        }
    }

    @Test
    void view_globalViewNoViewLooksUpBesideAPartitionedViewOfItsTopic_bothAnswer() {
        try (ViewTestKit pair = ViewTestKit.of(StoreUnderTest.get(), ALL_CUSTOMERS, CUSTOMERS_PER_CITY)) {
            pair.input(CUSTOMERS).pipe("c-1", new Customer("Ann", "Paris")).pipe("c-2", new Customer("Bob", "Oslo"))
                    .pipe("c-1", new Customer("Ann", "Oslo"));

            assertThat(pair.view(ALL_CUSTOMERS)).containsExactlyEntriesOf(Map.of(
                    "c-1", new Customer("Ann", "Oslo"), "c-2", new Customer("Bob", "Oslo")));
            assertThat(pair.view(CUSTOMERS_PER_CITY)).containsExactlyEntriesOf(Map.of("Oslo", 2L));
            assertThat(pair.describe()).contains("View 'all-customers'", "View 'customers-per-city'");
        }
    }
}
