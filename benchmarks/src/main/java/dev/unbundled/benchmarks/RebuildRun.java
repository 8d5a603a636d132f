package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Product;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Run 4, rebuild: how long a view takes, from {@code start()}, until it holds every record of a pre-filled
 * topic, against a plain {@link KafkaConsumer} reading the same topic end to end without deserialising
 * (the floor for any rebuild). Two kinds of rebuild: a fresh application id (the topic is processed
 * record by record), and the same application id with its local state lost (Kafka Streams restores the
 * store from the topic in bulk up to the committed offsets), which is what restarting a service whose
 * views live in memory does. Hand-written Kafka Streams does both too, for context.
 */
public final class RebuildRun implements Scenario {

    /**
     * Seconds taken by each way of reading the topic in one round.
     *
     * @param consumer the plain consumer
     * @param fresh a fresh application, by kind
     * @param restore the same application with its state lost, by kind
     */
    public record Result(double consumer, Map<String, Double> fresh, Map<String, Double> restore) {
    }

    @Override
    public String name() {
        return "rebuild";
    }

    @Override
    public List<Figure> run(Lab lab) {
        long records = lab.settings().products();
        Topic<String, Product> topic = Model.products(lab.topic("rebuild-products"));
        TopicFiller.fill(lab.kafka(), topic, 0, records, Model::productKey, i -> Model.product(i, 0));
        List<Result> results = new ArrayList<>();
        consume(lab, topic.name(), records);
        for (int round = 0; round < lab.settings().rounds(); round++) {
            Map<String, Double> fresh = new HashMap<>();
            Map<String, Double> restore = new HashMap<>();
            boolean unbundledFirst = round % 2 == 0;
            double consumer = consume(lab, topic.name(), records);
            for (boolean unbundled : new boolean[] {unbundledFirst, !unbundledFirst}) {
                String applicationId = lab.name(unbundled ? "rebuild-unbundled" : "rebuild-streams");
                String kind = unbundled ? Contenders.UNBUNDLED : Contenders.HAND_WRITTEN;
                fresh.put(kind, rebuild(lab, topic, records, unbundled, applicationId));
                restore.put(kind, rebuild(lab, topic, records, unbundled, applicationId));
            }
            Result result = new Result(consumer, fresh, restore);
            lab.log("rebuild, round %d: %s", round + 1, result);
            results.add(result);
        }
        List<Figure> figures = new ArrayList<>();
        for (String kind : List.of(Contenders.UNBUNDLED, Contenders.HAND_WRITTEN)) {
            boolean ours = kind.equals(Contenders.UNBUNDLED);
            figures.add(figure(records, "new application id" + (ours ? "" : " (context: hand-written)"), results,
                    r -> r.fresh().get(kind), kind, ours ? Target.ratioAtLeast(0.7) : null));
            figures.add(figure(records, "local state lost, restored" + (ours ? "" : " (context: hand-written)"), results,
                    r -> r.restore().get(kind), kind, ours ? Target.ratioAtLeast(0.7) : null));
        }
        return figures;
    }

    private Figure figure(long records, String what, List<Result> results, java.util.function.Function<Result, Double> seconds,
                          String kind, Target target) {
        List<Double> rates = results.stream().map(r -> records / seconds.apply(r)).collect(Collectors.toList());
        List<Double> floor = results.stream().map(r -> records / r.consumer()).collect(Collectors.toList());
        return new Figure(name(), "rebuild, " + what + ", start to complete", "records/s", true,
                new Figure.Side(kind, median(rates)), new Figure.Side("KafkaConsumer, bytes only", median(floor)),
                target, Map.of("records", records, "runs", rates, "consumerRuns", floor,
                        "secondsToComplete", results.stream().map(seconds).collect(Collectors.toList())));
    }

    private static double rebuild(Lab lab, Topic<String, Product> topic, long records, boolean unbundled,
                                  String applicationId) {
        lab.settle();
        long start = System.nanoTime();
        try (Contender app = unbundled
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"), UnbundledViews.products(topic))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.products(topic.name()))) {
            app.awaitReady(MaterialiseRun.START);
            Contender.Reader<String, Product> products = app.reader(UnbundledViews.PRODUCTS);
            long done = Poll.until(records + " products in " + applicationId, 1_000, () -> products.count() == records);
            return (done - start) / 1e9;
        }
    }

    /** @return seconds from creating a consumer to having read every record of the topic */
    private static double consume(Lab lab, String topic, long records) {
        lab.settle();
        long start = System.nanoTime();
        Map<String, Object> config = lab.kafka().consumerConfig(lab.name("rebuild-consumer"));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            while (read < records) {
                read += consumer.poll(Duration.ofMillis(100)).count();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().collect(Collectors.toList());
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
