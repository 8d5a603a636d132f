package dev.unbundled.testkit;

import dev.unbundled.DeadLetter;
import dev.unbundled.ViewStore;
import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.Compiler;
import dev.unbundled.internal.compile.DefinitionImpl;
import dev.unbundled.internal.compile.StoreRouting;
import dev.unbundled.internal.compile.StreamsDefaults;
import dev.unbundled.internal.run.DeadLetterHandler;
import dev.unbundled.internal.run.DeadLetterRouter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * One view of a {@link ViewTestKit} on a {@link TopologyTestDriver} of its own, compiled alone with the global
 * views it looks up, as a {@code ViewRuntime} runs each view as a Kafka Streams application of its own. The
 * kit feeds every driver the records of the topics it reads.
 */
final class KitDriver implements AutoCloseable {
    final DefinitionImpl<?, ?> main;
    final CompiledViews views;
    final DeadLetterRouter deadLetters;
    final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> deadLetterTopics = new HashMap<>();
    private volatile boolean closed;

    /**
     * A view compiled alone with the global views it looks up, before its driver starts.
     *
     * @param main the view the driver is for
     * @param routing the store of each of its views
     * @param config the driver's settings
     * @param views the compiled views
     */
    record Compiled(DefinitionImpl<?, ?> main, StoreRouting routing, Properties config, CompiledViews views) {
        /**
         * @param main the view, given to the kit
         * @param defaultStore where views that choose no store keep their rows
         * @param kitConfig the settings every driver of the kit shares
         * @param stateDir the driver's own state directory
         * @return the view compiled
         */
        static Compiled of(DefinitionImpl<?, ?> main, ViewStore defaultStore, Properties kitConfig, Path stateDir) {
            StoreRouting routing = new StoreRouting(defaultStore, List.of(main));
            Properties config = new Properties();
            config.putAll(kitConfig);
            config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            config.putAll(StreamsDefaults.topologyConfig(routing));
            return new Compiled(main, routing, config, Compiler.compile(List.of(main), config));
        }
    }

    /**
     * @param compiled the view, compiled
     * @param lettersWrittenElsewhere global views among the compiled ones that another driver answers for, and
     *     writes the dead letters of
     * @param directSink where the dead letters go that Kafka Streams cannot send itself (those of global views)
     */
    KitDriver(Compiled compiled, Set<String> lettersWrittenElsewhere,
              Consumer<ProducerRecord<byte[], byte[]>> directSink) {
        this.main = compiled.main();
        this.views = compiled.views();
        deadLetters = new DeadLetterRouter(ViewTestKit.APPLICATION_ID, ViewTestKit.APPLICATION_ID, views,
                lettersWrittenElsewhere, directSink);
        Properties config = new Properties();
        config.putAll(compiled.config());
        config.putAll(DeadLetterHandler.streamsConfig(ViewTestKit.APPLICATION_ID, deadLetters, compiled.routing()));
        driver = new TopologyTestDriver(views.topology(), config);
    }

    /**
     * @param topic a topic's name
     * @return true if one of the driver's views reads it, globally or partitioned
     */
    boolean reads(String topic) {
        return views.viewsByTopic().containsKey(topic);
    }

    /**
     * @param topic a topic the driver reads
     * @return where to pipe the topic's records, as bytes
     */
    TestInputTopic<byte[], byte[]> input(String topic) {
        return inputs.computeIfAbsent(topic,
                name -> driver.createInputTopic(name, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /**
     * @param view a view of this driver
     * @return the records the driver wrote to the view's dead-letter topic since the last call
     */
    List<DeadLetter> deadLetters(String view) {
        String topic = deadLetters.topicOf(view);
        List<DeadLetter> letters = new ArrayList<>();
        if (driver.producedTopicNames().contains(topic)) {
            TestOutputTopic<byte[], byte[]> output = deadLetterTopics.computeIfAbsent(topic,
                    name -> driver.createOutputTopic(name, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            output.readRecordsToList().forEach(r -> letters.add(DeadLetter.of(r.headers(), r.key(), r.value())));
        }
        return letters;
    }

    /** @return the driver's Kafka Streams metrics */
    Map<MetricName, ? extends Metric> metrics() {
        return driver.metrics();
    }

    /** @return true once the kit has closed the driver */
    boolean isClosed() {
        return closed;
    }

    /** Closes the driver and the views' subscriptions; the kit deletes the state. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            views.changes().closeAll();
        } finally {
            driver.close();
        }
    }
}
