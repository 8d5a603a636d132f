package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.remote.HttpTransport;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query server of real runtimes on a real broker, asked what a careless or hostile peer asks: scans of values
 * too large for one reply, and bounds its key serde cannot read.
 */
class QueryServerIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int PARTITIONS = 6;
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;

    private final List<ViewRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void closeRuntimes() {
        runtimes.forEach(ViewRuntime::close);
    }

    @Test
    void queryServer_byDefault_listensOnTheAdvertisedAddressOnly() throws Exception {
        Topic<Integer, String> topic = topic(1, i -> i, i -> "value-" + i);
        ViewDefinition<Integer, String> numbered = View.from(topic).materialize("advertised");
        ViewRuntime runtime = runtime("a", numbered);
        int port = Integer.parseInt(runtime.queryAddress().orElseThrow().split(":")[1]);

        assertThat(get("http://127.0.0.1:" + port + "/views/advertised/rows?partitions=0").statusCode())
                .isIn(200, 503);
        assertThatThrownBy(() -> new Socket("127.0.0.2", port).close()).as("another address of this machine")
                .isInstanceOf(IOException.class);
    }

    @Test
    void routedScan_valuesOfOneHundredSixtyKilobytes_readsEveryRowPageByPage() throws Exception {
        // 1,000 rows of 160 KB: whichever share of the six partitions the other instance holds, a page of it
        // used to be one reply of more than the 64 MiB a client reads.
        int rows = 1_000;
        String filler = "x".repeat(160_000);
        Topic<String, String> topic = topic(rows, i -> String.format("big-%04d", i), i -> i + filler);
        ViewDefinition<String, String> big = View.from(topic).materialize("big-values");
        ViewRuntime a = runtime("a", big);
        ViewRuntime b = runtime("b", big);
        List<ReadOnlyView<String, String>> views = List.of(a.view(big), b.view(big));
        await().atMost(PATIENCE).until(() -> views.stream().allMatch(view -> view.status().isReady())
                && views.stream().mapToLong(QueryServerIntegrationTest::localKeys).sum() == rows
                && views.stream().allMatch(view -> localKeys(view) > 0));

        for (ReadOnlyView<String, String> view : views) {
            try (Stream<Map.Entry<String, String>> all = view.all()) {
                List<Map.Entry<String, String>> read = all.toList();
                assertThat(read).extracting(Map.Entry::getKey).containsExactlyElementsOf(
                        IntStream.range(0, rows).mapToObj(i -> String.format("big-%04d", i)).toList());
                assertThat(read).allSatisfy(row -> assertThat(row.getValue())
                        .isEqualTo(Integer.parseInt(row.getKey().substring(4)) + filler));
            }
        }
    }

    @Test
    void queryServer_scanBoundOrCursorTheKeySerdeCannotRead_is400NamingTheView() throws Exception {
        Topic<Integer, String> topic = topic(10, i -> i, i -> "value-" + i);
        ViewDefinition<Integer, String> numbered = View.from(topic).materialize("numbered");
        ViewRuntime runtime = runtime("a", numbered);
        await().atMost(PATIENCE).until(() -> runtime.view(numbered).status().isReady()
                && localKeys(runtime.view(numbered)) == 10);
        String rows = "http://" + runtime.queryAddress().orElseThrow() + "/views/numbered/rows?partitions=0,1,2,3,4,5";
        // Serdes.Integer() reads exactly four bytes
        String twoBytes = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {0, 1});
        String fourBytes = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {0, 0, 0, 3});

        for (String bound : List.of("from", "to", "after")) {
            HttpResponse<String> refused = get(rows + "&" + bound + "=" + twoBytes);
            assertThat(refused.statusCode()).as("%s: %s", bound, refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("BAD_REQUEST").contains("numbered");
        }
        HttpResponse<String> fine = get(rows + "&from=" + fourBytes);
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
        assertThat(fine.body().split("\"key\"")).as("keys 3 to 9").hasSize(8);
    }

    @Test
    void queryServer_transportWithBindAddress_listensOnThatAddressOnly() throws Exception {
        Topic<Integer, String> topic = topic(1, i -> i, i -> "value-" + i);
        ViewDefinition<Integer, String> numbered = View.from(topic).materialize("bound");
        ViewRuntime runtime = ViewRuntime.builder()
                .applicationId("query-server-app-" + RUN.get())
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir.resolve("bound"))
                .advertise("127.0.0.1", 0)
                .transport(HttpTransport.builder().bindAddress("127.0.0.1").build())
                .view(numbered)
                .start();
        runtimes.add(runtime);
        int port = Integer.parseInt(runtime.queryAddress().orElseThrow().split(":")[1]);

        assertThat(get("http://127.0.0.1:" + port + "/views/bound/rows?partitions=0").statusCode()).isIn(200, 503);
        assertThatThrownBy(() -> new Socket("127.0.0.2", port).close()).as("another address of this machine")
                .isInstanceOf(IOException.class);
    }

    private <K> Topic<K, String> topic(int count, IntFunction<K> key,
                                       IntFunction<String> value) throws Exception {
        String name = "query-server-" + RUN.incrementAndGet();
        K first = key.apply(0);
        @SuppressWarnings("unchecked")
        Topic<K, String> topic = (Topic<K, String>) (first instanceof Integer
                ? Topic.of(name, Serdes.Integer(), Serdes.String()) : Topic.of(name, Serdes.String(), Serdes.String()));
        KAFKA.kafka().createTopics(PARTITIONS, name);
        Map<String, Object> config = KAFKA.kafka().producerConfig();
        // The large values are one letter repeated: compressed, they cost the broker little.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<K, String> producer = new KafkaProducer<>(config, topic.keySerde().serializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(name, key.apply(i), value.apply(i)));
            }
            producer.flush();
        }
        return topic;
    }

    private ViewRuntime runtime(String instance, ViewDefinition<?, ?> view) {
        ViewRuntime runtime = ViewRuntime.builder()
                .applicationId("query-server-app-" + RUN.get())
                .bootstrapServers(KAFKA.kafka().bootstrapServers())
                .stateDir(stateDir.resolve(instance))
                .advertise("127.0.0.1", 0)
                .view(view)
                .start();
        runtimes.add(runtime);
        return runtime;
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long localKeys(ReadOnlyView<?, ?> view) {
        try (Stream<? extends Map.Entry<?, ?>> rows = view.local().all()) {
            return rows.count();
        } catch (ViewNotReadyException e) {
            return -1;
        }
    }
}
