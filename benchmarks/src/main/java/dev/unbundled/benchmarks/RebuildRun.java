package dev.unbundled.benchmarks;

import dev.unbundled.Topic;
import dev.unbundled.benchmarks.Model.Product;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * Run 4, rebuild: how long a view takes, from {@code start()}, until it holds every record of a pre-filled
 * topic, against two floors reading the same topic end to end: a plain {@link KafkaConsumer} that only reads
 * the bytes, and one that deserialises every record and puts it in a {@link HashMap} (what any rebuild must at
 * least do). Two kinds of rebuild, in memory and on RocksDB: a fresh application id (the topic is processed
 * record by record; what a changed definition does), and the same application id with its local state lost
 * (Kafka Streams restores the store from its changelog in bulk), which is what restarting a service whose
 * views live in memory does. Hand-written Kafka Streams does both in memory too, for context. Beside them, a
 * foreign-key-join view (order notes, {@link NotesRebuild}) is rebuilt under a new application id by Unbundled and
 * by hand-written Kafka Streams, in memory, over topics of its own, and the two are compared.
 *
 * <p>Every kind runs once unmeasured first (JIT warm-up); then each round reads the topic with the floors and
 * every contender, then rebuilds the order notes with both sides, in an order that alternates from round to round.
 * Every round gets application ids never used before ({@link Lab#name}), so a fresh rebuild finds nothing of an
 * earlier round's.
 */
public final class RebuildRun implements Scenario {
    private static final String BYTES = "KafkaConsumer, bytes only";
    private static final String FILL = "KafkaConsumer into a HashMap, deserialised";
    /** A plain consumer into a HashMap, as the floor: each record's bytes put in a map, not read. */
    private static final String MAP = "KafkaConsumer into a HashMap, bytes";

    /** What a floor does with each record it reads. */
    private enum Floor { READ, MAP_BYTES, MAP_DESERIALISED }

    /**
     * One way of rebuilding: which side, on which store, with which properties set on Unbundled's runtime.
     *
     * @param kind Unbundled or hand-written
     * @param storage where the view keeps its rows
     * @param properties set through {@code ViewRuntime.Builder.property}; empty for Unbundled's defaults
     */
    private record Contestant(String kind, Storage storage, Map<String, String> properties) {
        boolean unbundled() {
            return kind.equals(Contenders.UNBUNDLED);
        }

        String key(boolean fresh) {
            return kind + " " + storage.id() + (properties.isEmpty() ? "" : " " + properties)
                    + (fresh ? " fresh" : " restore");
        }

        String context() {
            return !unbundled() ? " (context: hand-written)"
                    : properties.isEmpty() ? "" : " (context: with " + properties + ")";
        }
    }

    /** The filled topic and the key of the last record sent to each partition. */
    private record Filled(Topic<String, Product> topic, long records, List<String> lastKeys) {
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
        Filled filled = new Filled(topic, records, MaterialiseRun.lastKeys(records, lab.settings().partitions()));
        List<Contestant> contestants = new ArrayList<>();
        for (Storage storage : lab.settings().stores()) {
            contestants.add(new Contestant(Contenders.UNBUNDLED, storage, Map.of()));
            for (Map<String, String> compared : Contenders.propertySets("bench.rebuildCompare")) {
                contestants.add(new Contestant(Contenders.UNBUNDLED, storage, compared));
            }
        }
        contestants.add(new Contestant(Contenders.HAND_WRITTEN, Storage.MEMORY, Map.of()));
        NotesRebuild notes = NotesRebuild.fill(lab);
        List<Map<String, Window>> rounds = new ArrayList<>();
        for (int round = 0; round <= lab.settings().rounds(); round++) {
            Map<String, Window> result = round(lab, filled, contestants, round);
            // the same order as the contestants above: Unbundled first in odd rounds, hand-written in even ones
            notes.round(lab, round % 2 == 1, result);
            lab.log("rebuild, %s: %s", round == 0 ? "warm-up" : "round " + round, seconds(result));
            if (round > 0) {
                rounds.add(result);
            }
        }
        List<Figure> figures = figures(contestants, rounds);
        figures.addAll(notes.figures(name(), rounds));
        return figures;
    }

    private Map<String, Window> round(Lab lab, Filled filled, List<Contestant> contestants, int round) {
        Map<String, Window> result = new LinkedHashMap<>();
        result.put(BYTES, consume(lab, filled, Floor.READ));
        result.put(MAP, consume(lab, filled, Floor.MAP_BYTES));
        result.put(FILL, consume(lab, filled, Floor.MAP_DESERIALISED));
        List<Contestant> order = new ArrayList<>(contestants);
        if (round % 2 == 0) {
            Collections.reverse(order);
        }
        for (Contestant contestant : order) {
            // a name the lab never handed out before, so the fresh rebuild finds no committed offsets and (with a
            // new state directory) no state; the restore then reuses it with another new, empty state directory
            String applicationId = lab.name("rebuild-" + (contestant.unbundled() ? "unbundled-" : "streams-")
                    + contestant.storage().id());
            result.put(contestant.key(true), rebuild(lab, filled, contestant, applicationId));
            result.put(contestant.key(false), rebuild(lab, filled, contestant, applicationId));
        }
        return result;
    }

    private List<Figure> figures(List<Contestant> contestants, List<Map<String, Window>> rounds) {
        List<Figure> figures = new ArrayList<>();
        for (Contestant contestant : contestants) {
            boolean ours = contestant.unbundled() && contestant.properties().isEmpty();
            boolean inMemory = contestant.storage() == Storage.MEMORY;
            String where = inMemory ? "" : " " + contestant.storage().where();
            String context = contestant.context();
            for (boolean fresh : new boolean[] {true, false}) {
                String what = "rebuild" + where + ", " + (fresh ? "new application id" : "local state lost, restored")
                        + context + ", start to complete";
                String key = contestant.key(fresh);
                figures.add(rate(what, rounds, key, contestant.kind(), BYTES, null));
                if (contestant.unbundled()) {
                    figures.add(rate(what + ", vs a HashMap of the bytes", rounds, key, contestant.kind(), MAP, null));
                    // the targets, both read against one floor: the least a restore that checks every
                    // record with the view's deserialisers does (a consumer deserialising into a HashMap)
                    Target onFill = !ours ? null : fresh && inMemory ? Target.ratioAtLeast(0.6)
                            : !fresh && !inMemory ? Target.ratioAtLeast(0.35) : null;
                    figures.add(rate(what + ", vs a HashMap fill", rounds, key, contestant.kind(), FILL, onFill));
                    figures.add(new Figure(name(), "rebuild" + where + ", " + (fresh ? "new application id"
                            : "local state lost, restored") + context + ", CPU (process, broker included)",
                            "CPU s / M records",
                            false, new Figure.Side(contestant.kind(), median(rounds, key, Window::processCpuPerMillion)),
                            new Figure.Side(FILL, median(rounds, FILL, Window::processCpuPerMillion)), null,
                            Map.of("runs", values(rounds, key, Window::processCpuPerMillion),
                                    "floorRuns", values(rounds, FILL, Window::processCpuPerMillion))));
                }
            }
        }
        return figures;
    }

    private Figure rate(String what, List<Map<String, Window>> rounds, String key, String kind, String floor,
                        Target target) {
        return new Figure(name(), what, "records/s", true,
                new Figure.Side(kind, median(rounds, key, Window::recordsPerSecond)),
                new Figure.Side(floor, median(rounds, floor, Window::recordsPerSecond)), target,
                Map.of("records", rounds.get(0).get(key).records(), "runs", values(rounds, key, Window::recordsPerSecond),
                        "floorRuns", values(rounds, floor, Window::recordsPerSecond),
                        "secondsToComplete", values(rounds, key, Window::seconds)));
    }

    private static Window rebuild(Lab lab, Filled filled, Contestant contestant, String applicationId) {
        lab.settle();
        CpuClock.Reading start = CpuClock.Reading.now(applicationId);
        try (Contender app = contestant.unbundled()
                ? Contenders.unbundled(lab.kafka(), applicationId, lab.directory("state"), contestant.properties(),
                        UnbundledViews.products(filled.topic(), contestant.storage()))
                : Contenders.handWritten(lab.kafka(), applicationId, lab.directory("state"),
                        HandWritten.products(filled.topic().name(), contestant.storage()))) {
            app.awaitReady(MaterialiseRun.START);
            double ready = (System.nanoTime() - start.wallNanos()) / 1e9;
            Contender.Reader<String, Product> products = app.reader(UnbundledViews.PRODUCTS);
            // a partition's records are applied (and restored) in order; a RocksDB store only estimates its count
            Poll.until(filled.records() + " products in " + applicationId, 1_000,
                    () -> filled.lastKeys().stream().allMatch(key -> products.get(key) != null));
            Window window = Window.between(filled.records(), start, CpuClock.Reading.now(app.threadTag()));
            lab.log("rebuild, %s: ready after %.2f s, complete after %.2f s", applicationId, ready, window.seconds());
            return window;
        }
    }

    /** @return the window from creating a consumer to having read (and, if asked, put in a map) every record */
    private static Window consume(Lab lab, Filled filled, Floor floor) {
        lab.settle();
        String topic = filled.topic().name();
        String tag = lab.name("rebuild-consumer");
        CpuClock.Reading start = CpuClock.Reading.now(tag);
        Map<String, Object> config = lab.kafka().consumerConfig(tag);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Deserializer<String> keys = new StringDeserializer();
        Deserializer<Product> values = Model.PRODUCT.deserializer();
        Map<Object, Object> map = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            while (read < filled.records()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                read += batch.count();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    if (floor == Floor.MAP_BYTES) {
                        map.put(Bytes.wrap(record.key()), record.value());
                    } else if (floor == Floor.MAP_DESERIALISED) {
                        map.put(keys.deserialize(topic, record.key()), values.deserialize(topic, record.value()));
                    }
                }
            }
            if (floor != Floor.READ && map.size() != filled.records()) {
                throw new IllegalStateException("The map holds " + map.size() + " of " + filled.records() + " products");
            }
            return Window.between(filled.records(), start, CpuClock.Reading.now(tag));
        }
    }

    private static Map<String, String> seconds(Map<String, Window> result) {
        Map<String, String> seconds = new LinkedHashMap<>();
        result.forEach((key, window) -> seconds.put(key, String.format(Locale.ROOT, "%.2f s", window.seconds())));
        return seconds;
    }

    /**
     * @param rounds the measured rounds
     * @param key whose windows
     * @param of the figure to take from each window
     * @return that figure of every round, for the JSON
     */
    static List<Double> values(List<Map<String, Window>> rounds, String key, Function<Window, Double> of) {
        return rounds.stream().map(r -> of.apply(r.get(key))).toList();
    }

    /**
     * @param rounds the measured rounds
     * @param key whose windows
     * @param of the figure to take from each window
     * @return the median of that figure over the rounds
     */
    static double median(List<Map<String, Window>> rounds, String key, Function<Window, Double> of) {
        double[] sorted = values(rounds, key, of).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
