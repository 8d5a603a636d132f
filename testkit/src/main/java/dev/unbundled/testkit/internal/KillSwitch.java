package dev.unbundled.testkit.internal;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A client interceptor that, once its {@link Trigger} is pulled, makes every record a stream thread
 * consumes or sends throw an {@link Error}. Kafka's clients pass interceptor {@code Exception}s by, but not
 * {@code Error}s; Kafka Streams catches the error at the top of the stream thread, which dies without
 * committing (its tasks are closed dirty: at least once, what they processed since the last commit is
 * processed again; exactly once, their transaction is aborted and their local state wiped), as in a crash. Not API: {@code ViewCluster.kill} installs it.
 *
 * <pre>{@code
 * KillSwitch.Trigger trigger = new KillSwitch.Trigger("instance 1");
 * builder.property("main.consumer.interceptor.classes", KillSwitch.class.getName())
 *        .property("main.consumer." + KillSwitch.TRIGGER_CONFIG, trigger);
 * trigger.pull();
 * }</pre>
 */
public final class KillSwitch implements ConsumerInterceptor<Object, Object>, ProducerInterceptor<Object, Object> {
    /** The client config key under which the interceptor finds its {@link Trigger}. */
    public static final String TRIGGER_CONFIG = "unbundled.testkit.kill-switch";

    private volatile Trigger trigger;

    /** Created by Kafka's clients, from {@code interceptor.classes}. */
    public KillSwitch() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object configured = configs.get(TRIGGER_CONFIG);
        trigger = configured instanceof Trigger ? (Trigger) configured : null;
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        fireIfPulled();
        return records;
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        fireIfPulled();
        return record;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    private void fireIfPulled() {
        Trigger current = trigger;
        if (current != null && current.pulled) {
            throw new Killed(current.instance);
        }
    }

    /**
     * Pulled once, to kill the clients configured with it.
     *
     * <pre>{@code
     * new KillSwitch.Trigger("instance 1").pull();
     * }</pre>
     */
    public static final class Trigger {
        private final String instance;
        private volatile boolean pulled;

        /** @param instance what the trigger kills, for the error's message */
        public Trigger(String instance) {
            this.instance = instance;
        }

        /** Makes the next record consumed or sent by a client configured with this trigger throw. */
        public void pull() {
            pulled = true;
        }

        @Override
        public String toString() {
            return "KillSwitch.Trigger[" + instance + (pulled ? ", pulled]" : "]");
        }
    }

    /** What a killed client throws: an {@code Error}, so that no handler treats it as a bad record. */
    public static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed(String instance) {
            super(instance + " was killed by the test (ViewCluster.kill); this stack trace is expected");
        }
    }
}
