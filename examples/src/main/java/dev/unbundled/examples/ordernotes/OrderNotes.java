package dev.unbundled.examples.ordernotes;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewRuntime;
import dev.unbundled.examples.ordernotes.Warehouse.Order;
import dev.unbundled.examples.ordernotes.Warehouse.OrderNote;
import dev.unbundled.examples.ordernotes.Warehouse.Product;
import dev.unbundled.testkit.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The order-notes demo: a warehouse keeps the notes it prints as a view of orders joined with products.
 * Renaming a product changes every note that refers to it, as a database view would.
 *
 * <p>Runs against an embedded single-node Kafka broker unless {@code --bootstrap-servers host:port} is
 * given. After the demo it keeps serving until stopped, or exits with {@code --demo}.
 *
 * <pre>{@code
 * mvn -q -pl examples -am install -DskipTests && mvn -q -pl examples exec:java -Dexec.args=--demo
 * }</pre>
 */
public final class OrderNotes {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private OrderNotes() {
    }

    /**
     * @param args {@code [--bootstrap-servers host:port] [--demo]}
     * @throws Exception if the demo fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * Runs the demo, printing to {@code out}.
     *
     * @param args {@code [--bootstrap-servers host:port] [--demo]}
     * @param out where the notes are printed
     * @throws Exception if the demo fails
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        String servers = option(args, "--bootstrap-servers");
        boolean demoOnly = Stream.of(args).anyMatch("--demo"::equals);
        try (EmbeddedKafka broker = servers == null ? EmbeddedKafka.start() : null) {
            if (broker != null) {
                servers = broker.bootstrapServers();
                broker.createTopics(3, Warehouse.ORDERS.name(), Warehouse.PRODUCTS.name());
                out.println("Started an embedded Kafka broker at " + servers);
            }
            demo(servers, out, demoOnly);
        }
    }

    private static void demo(String servers, PrintStream out, boolean demoOnly) throws Exception {
        Path state = Files.createTempDirectory("order-notes-state");
        try (ViewRuntime runtime = ViewRuntime.builder()
                .applicationId("warehouse-order-notes")
                .bootstrapServers(servers)
                .stateDir(state)
                .view(Warehouse.ORDER_NOTES)
                .start();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class))) {
            ReadOnlyView<String, OrderNote> notes = runtime.view(Warehouse.ORDER_NOTES);
            notes.awaitReady(PATIENCE);

            out.println("\n== Seeding products and orders");
            send(producer, Warehouse.PRODUCTS.name(), Warehouse.PRODUCTS.valueSerde(), "p-1", new Product("Desk lamp", "A3"));
            send(producer, Warehouse.PRODUCTS.name(), Warehouse.PRODUCTS.valueSerde(), "p-2", new Product("Office chair", "B1"));
            send(producer, Warehouse.ORDERS.name(), Warehouse.ORDERS.valueSerde(), "o-1", new Order("p-1", 2));
            send(producer, Warehouse.ORDERS.name(), Warehouse.ORDERS.valueSerde(), "o-2", new Order("p-2", 1));
            send(producer, Warehouse.ORDERS.name(), Warehouse.ORDERS.valueSerde(), "o-3", new Order("p-1", 5));
            await(() -> notes.approximateCount() == 3 && notes.get("o-3").isPresent());
            print(notes, out);

            out.println("\n== Renaming p-1 from 'Desk lamp' to 'LED desk lamp' (moved to shelf A4)");
            send(producer, Warehouse.PRODUCTS.name(), Warehouse.PRODUCTS.valueSerde(), "p-1", new Product("LED desk lamp", "A4"));
            await(() -> notes.get("o-1").map(n -> n.product().equals("LED desk lamp")).orElse(false)
                    && notes.get("o-3").map(n -> n.product().equals("LED desk lamp")).orElse(false));
            print(notes, out);

            out.println("\n== Cancelling o-2 (a delete)");
            producer.send(new ProducerRecord<>(Warehouse.ORDERS.name(), "o-2".getBytes(), null)).get();
            await(() -> notes.get("o-2").isEmpty());
            print(notes, out);

            if (demoOnly) {
                out.println("\nDemo done.");
                return;
            }
            out.println("\nServing the view until stopped (Ctrl-C).");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, String topic, Serde<V> serde, String key,
                                 V value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(), serde.serializer().serialize(topic, value))).get();
    }

    private static void print(ReadOnlyView<String, OrderNote> notes, PrintStream out) {
        try (Stream<Map.Entry<String, OrderNote>> all = notes.all()) {
            all.forEach(e -> out.printf("  %s: %d x %s (shelf %s)%n", e.getKey(), e.getValue().quantity(),
                    e.getValue().product(), e.getValue().shelf()));
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The view did not reach the expected state within " + PATIENCE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static String option(String[] args, String name) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }
}
