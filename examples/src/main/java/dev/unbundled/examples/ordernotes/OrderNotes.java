package dev.unbundled.examples.ordernotes;

import dev.unbundled.Change;
import dev.unbundled.ReadOnlyView;
import dev.unbundled.Subscription;
import dev.unbundled.ViewRuntime;
import dev.unbundled.examples.DemoSupport;
import dev.unbundled.examples.ordernotes.Warehouse.Order;
import dev.unbundled.examples.ordernotes.Warehouse.OrderNote;
import dev.unbundled.examples.ordernotes.Warehouse.Product;
import dev.unbundled.testkit.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * The order-notes demo: a warehouse keeps the notes it prints as a view of orders joined with products.
 * Renaming a product changes every note that refers to it, as a database view would.
 *
 * <p>Runs against an embedded single-node Kafka broker unless {@code --bootstrap-servers host:port} is
 * given; on a cluster it creates the topics {@code orders} and {@code products} (3 partitions,
 * replication factor 1) where they are missing. After the demo it keeps serving, printing every note
 * that changes (rename a product yourself and watch its notes change), until Ctrl-C; with {@code --demo}
 * it exits after the demo. Either way it closes the runtime (and the embedded broker) and deletes the
 * view's temporary state directory on exit.
 *
 * <pre>{@code
 * mvn -q -pl examples -am install -DskipTests && mvn -q -pl examples exec:java -Dexec.args=--demo
 * }</pre>
 */
public final class OrderNotes {
    static final String USAGE = "Usage: OrderNotes [--bootstrap-servers host:port] [--demo]%n"
            + "  --bootstrap-servers  run against this Kafka cluster instead of an embedded broker; the topics '"
            + Warehouse.ORDERS.name() + "' and '" + Warehouse.PRODUCTS.name() + "' are created (%d partitions,"
            + " replication factor 1) where missing%n"
            + "  --demo               exit after the demo instead of serving (and printing changes) until Ctrl-C";
    private static final int PARTITIONS = 3;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long Ctrl-C waits for the runtime and the broker to close before the JVM exits anyway. */
    private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(30);

    private OrderNotes() {
    }

    /**
     * @param args {@code [--bootstrap-servers host:port] [--demo]}
     * @throws IllegalArgumentException if an argument is unknown or has no value; the message is the usage
     * @throws Exception if the demo fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * Runs the demo, printing to {@code out}, until it is done ({@code --demo}) or the JVM is asked to
     * stop (Ctrl-C): a shutdown hook then waits for the runtime and the broker to close.
     *
     * @param args {@code [--bootstrap-servers host:port] [--demo]}
     * @param out where the notes are printed
     * @throws IllegalArgumentException if an argument is unknown or has no value; the message is the usage
     * @throws Exception if the demo fails
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = stopHook(stop, closed);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run(args, out, stop);
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and has just been released
            }
        }
    }

    /**
     * The JVM exits once its shutdown hooks return: this one asks the demo to stop, then holds the JVM until
     * the demo has closed the runtime and the broker (or {@link #CLOSE_PATIENCE} has passed).
     */
    static Thread stopHook(CountDownLatch stop, CountDownLatch closed) {
        return new Thread(() -> {
            stop.countDown();
            try {
                closed.await(CLOSE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "order-notes-stop");
    }

    /**
     * Runs the demo until it is done ({@code --demo}) or {@code stop} is counted down, then closes the
     * runtime, the broker it started and deletes the state directory before returning.
     */
    static void run(String[] args, PrintStream out, CountDownLatch stop) throws Exception {
        Options options = Options.parse(args);
        Path state = Files.createTempDirectory("order-notes-state-");
        try (EmbeddedKafka broker = options.bootstrapServers().isEmpty() ? EmbeddedKafka.start() : null) {
            String servers;
            if (broker != null) {
                servers = broker.bootstrapServers();
                broker.createTopics(PARTITIONS, Warehouse.ORDERS.name(), Warehouse.PRODUCTS.name());
                out.println("Started an embedded Kafka broker at " + servers);
            } else {
                servers = options.bootstrapServers().get();
                DemoSupport.createTopicsIfMissing(servers, PARTITIONS, PATIENCE, out, Warehouse.ORDERS.name(),
                        Warehouse.PRODUCTS.name());
            }
            out.println("The view's state is in " + state + " (deleted on exit)");
            demo(servers, state, out, options.demo(), stop);
        } catch (Stopped stopped) {
            out.println("Stopped before the demo was done.");
        } finally {
            DemoSupport.deleteRecursively(state);
        }
    }

    private static void demo(String servers, Path state, PrintStream out, boolean demoOnly, CountDownLatch stop)
            throws Exception {
        try (ViewRuntime runtime = ViewRuntime.builder()
                .applicationId("warehouse-order-notes")
                .bootstrapServers(servers)
                .stateDir(state)
                .view(Warehouse.ORDER_NOTES)
                .start();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            ReadOnlyView<String, OrderNote> notes = runtime.view(Warehouse.ORDER_NOTES);
            // in steps rather than awaitReady(PATIENCE), so that Ctrl-C does not wait for it
            await(() -> notes.status().isReady(), stop);
            notes.awaitReady(PATIENCE);

            out.println("\n== Seeding products and orders");
            send(producer, Warehouse.PRODUCTS.name(), Warehouse.PRODUCTS.valueSerde(), "p-1", new Product("Desk lamp", "A3"));
            send(producer, Warehouse.PRODUCTS.name(), Warehouse.PRODUCTS.valueSerde(), "p-2", new Product("Office chair", "B1"));
            send(producer, Warehouse.ORDERS.name(), Warehouse.ORDERS.valueSerde(), "o-1", new Order("p-1", 2));
            send(producer, Warehouse.ORDERS.name(), Warehouse.ORDERS.valueSerde(), "o-2", new Order("p-2", 1));
            send(producer, Warehouse.ORDERS.name(), Warehouse.ORDERS.valueSerde(), "o-3", new Order("p-1", 5));
            // by content, not by count: on a cluster the topics may hold orders of earlier runs or of others
            await(() -> hasNote(notes, "o-1", "Desk lamp") && hasNote(notes, "o-2", "Office chair")
                    && hasNote(notes, "o-3", "Desk lamp"), stop);
            print(notes, out);

            out.println("\n== Renaming p-1 from 'Desk lamp' to 'LED desk lamp' (moved to shelf A4)");
            send(producer, Warehouse.PRODUCTS.name(), Warehouse.PRODUCTS.valueSerde(), "p-1", new Product("LED desk lamp", "A4"));
            await(() -> hasNote(notes, "o-1", "LED desk lamp") && hasNote(notes, "o-3", "LED desk lamp"), stop);
            print(notes, out);

            out.println("\n== Cancelling o-2 (a delete)");
            producer.send(new ProducerRecord<>(Warehouse.ORDERS.name(), "o-2".getBytes(), null)).get();
            await(() -> notes.get("o-2").isEmpty(), stop);
            print(notes, out);

            if (demoOnly) {
                out.println("\nDemo done.");
                return;
            }
            try (Subscription changes = notes.subscribe(change -> printChange(change, out))) {
                out.printf("%nServing the view until stopped (Ctrl-C), printing every note that changes. Rename a"
                        + " product to see its notes change, for example:%n  kafka-console-producer.sh"
                        + " --bootstrap-server %s --topic %s --property parse.key=true --property key.separator=:"
                        + "%n  p-1:{\"name\":\"Desk lamp XL\",\"shelf\":\"A5\"}%n", servers, Warehouse.PRODUCTS.name());
                stop.await();
                out.printf("%nStopping after %d change(s).%n", changes.delivered());
            }
        }
    }

    private static boolean hasNote(ReadOnlyView<String, OrderNote> notes, String order, String product) {
        return notes.get(order).map(note -> note.product().equals(product)).orElse(false);
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, String topic, Serde<V> serde, String key,
                                 V value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(), serde.serializer().serialize(topic, value))).get();
    }

    private static void print(ReadOnlyView<String, OrderNote> notes, PrintStream out) {
        try (Stream<Map.Entry<String, OrderNote>> all = notes.all()) {
            all.forEach(e -> out.println("  " + e.getKey() + ": " + describe(e.getValue())));
        }
    }

    private static void printChange(Change<String, OrderNote> change, PrintStream out) {
        out.println(change.newValue().map(note -> "  changed " + change.key() + ": " + describe(note))
                .orElse("  removed " + change.key()));
    }

    private static String describe(OrderNote note) {
        return note.quantity() + " x " + note.product() + " (shelf " + note.shelf() + ")";
    }

    /** Waits for the condition, giving up when asked to stop. */
    private static void await(BooleanSupplier condition, CountDownLatch stop) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (stop.getCount() == 0) {
                throw new Stopped();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The view did not reach the expected state within " + PATIENCE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Kafka Streams does not create the topics it reads (it stops with a missing-source-topic error), and a
     * producer would leave them to the broker's auto-creation, if that is on.
     */
    /** Thrown out of a wait when the demo is asked to stop before it is done. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    /** The command line, parsed. */
    private record Options(Optional<String> bootstrapServers, boolean demo) {
        static Options parse(String[] args) {
            String servers = null;
            boolean demo = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--demo" -> demo = true;
                    case "--bootstrap-servers" -> {
                        if (i + 1 == args.length || args[i + 1].startsWith("--")) {
                            throw usage("--bootstrap-servers needs a value, such as localhost:9092");
                        }
                        servers = args[++i];
                    }
                    default -> throw usage("Unknown argument '" + args[i] + "'");
                }
            }
            return new Options(Optional.ofNullable(servers), demo);
        }

        private static IllegalArgumentException usage(String problem) {
            return new IllegalArgumentException(problem + System.lineSeparator() + String.format(USAGE, PARTITIONS));
        }
    }
}
