package dev.unbundled.benchmarks;

import dev.unbundled.benchmarks.Model.Product;
import dev.unbundled.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records with fresh keys at a steady rate and measures, for each, the delay from just before
 * {@code send} until a {@code get} of its key through the view finds it.
 *
 * <p>Each record goes to a partition chosen here, and a partition's records become visible in the
 * order they were sent, so the prober only watches the oldest unseen record of each partition: a few
 * reads per sweep whatever the rate, with a short park between sweeps that find nothing new.
 *
 * <pre>{@code
 * Latencies delays = new FreshnessProbe(kafka, topic, 3).run(reader, "k-1k-", 1_000, 10.0);
 * delays.percentileMillis(99);
 * }</pre>
 */
public final class FreshnessProbe {
    private static final long SWEEP_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final EmbeddedKafka kafka;
    private final String topic;
    private final int partitions;
    private final Function<String, byte[]> valueOf;

    /**
     * A probe whose records all carry the same product.
     *
     * @param kafka the broker
     * @param topic the topic the view reads
     * @param partitions its partition count
     */
    public FreshnessProbe(EmbeddedKafka kafka, String topic, int partitions) {
        this(kafka, topic, partitions, fixed(Model.PRODUCT.serializer().serialize(topic, Model.product(1, 0))));
    }

    private FreshnessProbe(EmbeddedKafka kafka, String topic, int partitions, Function<String, byte[]> valueOf) {
        this.kafka = kafka;
        this.topic = topic;
        this.partitions = partitions;
        this.valueOf = valueOf;
    }

    /**
     * A probe whose records carry a product made from their key: for a view that re-keys its rows by a
     * field of the value, so that the view's key of each record is the key sent.
     *
     * <pre>{@code
     * FreshnessProbe.keyedValues(kafka, topic, 3, key -> new Product(key, "c", 1)).run(byName, "k-", 1_000, 5.0);
     * }</pre>
     *
     * @param kafka the broker
     * @param topic the topic the view reads
     * @param partitions its partition count
     * @param valueOf the product sent with a key
     * @return the probe
     */
    public static FreshnessProbe keyedValues(EmbeddedKafka kafka, String topic, int partitions,
                                             Function<String, Product> valueOf) {
        return new FreshnessProbe(kafka, topic, partitions,
                key -> Model.PRODUCT.serializer().serialize(topic, valueOf.apply(key)));
    }

    private static Function<String, byte[]> fixed(byte[] value) {
        return key -> value;
    }

    /** A sent record: its key and when it was sent. */
    private record Sent(String key, long nanos) {
    }

    /**
     * @param view the view's reader
     * @param keyPrefix a prefix no other call uses, so every key is new to the view
     * @param perSecond the send rate
     * @param seconds how long to send
     * @return the delays of every record sent
     */
    public Latencies run(Contender.Reader<String, Product> view, String keyPrefix, int perSecond, double seconds) {
        List<Queue<Sent>> unseen = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            unseen.add(new ConcurrentLinkedQueue<>());
        }
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long records = Math.max(1, Math.round(perSecond * seconds));
        Thread sender = new Thread(() -> {
            try {
                send(keyPrefix, perSecond, records, unseen);
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                sending.set(false);
            }
        }, "freshness-sender");
        sender.start();
        Latencies delays = new Latencies();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((long) seconds + 60);
        while (sending.get() || unseen.stream().anyMatch(q -> !q.isEmpty())) {
            boolean progress = false;
            for (Queue<Sent> queue : unseen) {
                Sent oldest;
                while ((oldest = queue.peek()) != null && view.get(oldest.key()) != null) {
                    delays.add(System.nanoTime() - oldest.nanos());
                    queue.poll();
                    progress = true;
                }
            }
            if (failure.get() != null) {
                throw new IllegalStateException("Sending failed", failure.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Records sent to " + topic + " did not all become visible in time");
            }
            if (!progress) {
                LockSupport.parkNanos(SWEEP_PAUSE_NANOS);
            }
        }
        return delays;
    }

    private void send(String keyPrefix, int perSecond, long records, List<Queue<Sent>> unseen) throws Exception {
        // no lingering: a service that cares how fresh its views are sends at once
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic);
            long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
            long start = System.nanoTime();
            for (long i = 0; i < records; i++) {
                long due = start + i * period;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, SWEEP_PAUSE_NANOS * 5));
                }
                String key = keyPrefix + i;
                int partition = (int) (i % partitions);
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), valueOf.apply(key)));
                unseen.get(partition).add(new Sent(key, sent));
            }
            producer.flush();
        }
    }
}
