package dev.unbundled.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unbundled.Topic;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.ViewRuntime;
import dev.unbundled.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling deploy of two instances from one version of a view to the next while readers hammer both: every
 * answer is the value of the version the answering instance runs, or a refusal that says why; never an old
 * definition's value from a new instance, and never a missing row.
 */
class RollingDeployIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int PRODUCTS = 60;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path stateDir;

    /** One instance of the service: its runtime and the version of the view it runs. */
    private record Instance(ViewRuntime runtime, ViewDefinition<String, String> view, boolean upper) {
    }

    /** An instance's place, swapped while no read is under way on it. */
    private static final class Slot {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        volatile Instance instance;
    }

    @Test
    void rollingDeploy_twoInstancesFromVersionOneToTwo_everyAnswerIsItsInstancesVersionOrARefusal() throws Exception {
        Topic<String, String> products = Topic.of("rolling-products", Serdes.String(), Serdes.String());
        KAFKA.kafka().createTopics(3, products.name());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.kafka().producerConfig(),
                Serdes.String().serializer(), Serdes.String().serializer())) {
            for (int i = 0; i < PRODUCTS; i++) {
                producer.send(new ProducerRecord<>(products.name(), "p-" + i, "Product " + i));
            }
        }
        ViewDefinition<String, String> first = CatalogFirstBuild.catalog(products);
        ViewDefinition<String, String> second = CatalogSecondBuild.catalog(products);
        Slot a = new Slot();
        Slot b = new Slot();
        a.instance = start("a", first, false);
        b.instance = start("b", first, false);
        a.instance.runtime().awaitReady(PATIENCE);
        b.instance.runtime().awaitReady(PATIENCE);

        List<String> wrong = new CopyOnWriteArrayList<>();
        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        List<Thread> readers = List.of(reader(a, reading, wrong, answers), reader(b, reading, wrong, answers));
        readers.forEach(Thread::start);
        try {
            awaitAnswers(answers, "lower", 200);
            swap(b, "b", second, true);       // b rebuilds version 2 while a serves version 1 alone
            awaitAnswers(answers, "upper", 200);
            swap(a, "a", second, true);       // a joins version 2, whose state b built
            long upperBefore = answers.computeIfAbsent("upper", k -> new AtomicLong()).get();
            await().atMost(PATIENCE).until(() -> answers.get("upper").get() > upperBefore + 400);
        } finally {
            reading.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            a.instance.runtime().close();
            b.instance.runtime().close();
        }

        assertThat(wrong).as("answers that are not the answering instance's version").isEmpty();
        assertThat(answers.get("lower").get()).isPositive();
        assertThat(answers.get("upper").get()).isPositive();
    }

    private Instance start(String name, ViewDefinition<String, String> view, boolean upper) {
        ViewRuntime runtime = ViewRuntime.builder().applicationId("rolling")
                .bootstrapServers(KAFKA.kafka().bootstrapServers()).stateDir(stateDir.resolve(name))
                .advertise("127.0.0.1", 0).view(view).start();
        return new Instance(runtime, view, upper);
    }

    /** Stops an instance and starts it again with another version of the view, as a redeploy does. */
    private void swap(Slot slot, String name, ViewDefinition<String, String> view, boolean upper) {
        slot.lock.writeLock().lock();
        try {
            slot.instance.runtime().close();
            slot.instance = start(name, view, upper);
        } finally {
            slot.lock.writeLock().unlock();
        }
        slot.instance.runtime().awaitReady(PATIENCE);
    }

    private static Thread reader(Slot slot, AtomicBoolean reading, List<String> wrong, Map<String, AtomicLong> answers) {
        return new Thread(() -> {
            while (reading.get()) {
                String key = "p-" + ThreadLocalRandom.current().nextInt(PRODUCTS);
                slot.lock.readLock().lock();
                try {
                    Instance instance = slot.instance;
                    String expected = instance.upper() ? ("Product " + key.substring(2)).toUpperCase(Locale.ROOT)
                            : ("Product " + key.substring(2)).toLowerCase(Locale.ROOT);
                    Optional<String> answer = instance.runtime().view(instance.view()).get(key);
                    if (answer.isPresent() && answer.get().equals(expected)) {
                        answers.computeIfAbsent(instance.upper() ? "upper" : "lower", k -> new AtomicLong())
                                .incrementAndGet();
                    } else {
                        wrong.add(key + " -> " + answer + " from a " + (instance.upper() ? "version 2" : "version 1")
                                + " instance");
                    }
                } catch (ViewNotReadyException refused) {
                    answers.computeIfAbsent("refused", k -> new AtomicLong()).incrementAndGet();
                } catch (RuntimeException failed) {
                    // kept for the assertion: a read fails only with a refusal that says why
                    wrong.add(key + " -> " + failed);
                } finally {
                    slot.lock.readLock().unlock();
                }
            }
        }, "rolling-reader");
    }

    private static void awaitAnswers(Map<String, AtomicLong> answers, String kind, long more) {
        long before = answers.computeIfAbsent(kind, k -> new AtomicLong()).get();
        await().atMost(PATIENCE).until(() -> answers.get(kind).get() >= before + more);
    }
}
