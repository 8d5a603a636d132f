package dev.unbundled.internal.run;

import dev.unbundled.internal.compile.StoreRouting;
import dev.unbundled.internal.compile.StreamsDefaults;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' three error hooks, all answering the same way: the record that could not be read,
 * processed or serialised goes to the dead-letter topic of the view that lost it, and processing goes
 * on. Failures to send to Kafka are not bad records and keep Kafka Streams' default handling, with two
 * exceptions, so that one record's fault never stops the views nor falls on the records after it:
 *
 * <ul>
 *   <li>a dead letter that cannot be written is logged with its coordinates and processing goes on (a
 *       failed send would otherwise fail the next record's write, and send that good record to the
 *       dead-letter topic in its place);</li>
 *   <li>a record too large to write ({@link RecordTooLargeException}), such as a row a join made larger than
 *       the producer's {@code max.request.size}, is a dead letter of the view that wrote it. Input records too
 *       large for any view are caught before, as they are read, and never reach a store.</li>
 * </ul>
 */
public final class DeadLetterHandler
        implements DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler {
    /** The config key under which the {@link DeadLetterRouter} instance reaches the handlers. */
    static final String DEAD_LETTER_ROUTER = "unbundled.dead.letter.router";

    private DeadLetterRouter router;

    /**
     * @param applicationId the Kafka Streams application id
     * @param router where bad records go
     * @param routing the store of each view
     * @return the full settings for running compiled views, with these handlers answering every error hook
     */
    public static Properties streamsConfig(String applicationId, DeadLetterRouter router, StoreRouting routing) {
        Properties config = StreamsDefaults.topologyConfig(routing);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        config.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        config.put(DEAD_LETTER_ROUTER, router);
        return config;
    }

    /** Kafka Streams creates handlers reflectively, once per hook. */
    public DeadLetterHandler() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object router = configs.get(DEAD_LETTER_ROUTER);
        if (!(router instanceof DeadLetterRouter)) {
            throw new ConfigException(DEAD_LETTER_ROUTER, router,
                    "DeadLetterHandler needs the runtime's DeadLetterRouter; run views through ViewRuntime or ViewTestKit");
        }
        this.router = (DeadLetterRouter) router;
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        List<ProducerRecord<byte[], byte[]>> letters = router.deadLetters(context, record.key(), record.value(), exception);
        // an unreadable record never reaches the position tracker, yet it is handled: the view is not behind it
        router.handled(context.topic(), context.partition(), context.offset());
        if (router.isGlobalTopic(context.topic())) {
            // Kafka Streams 4.4 cannot send dead letters from its global thread (its context has no record collector)
            router.deliver(letters);
            return DeserializationExceptionHandler.Response.resume();
        }
        return DeserializationExceptionHandler.Response.resume(letters);
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        if (isEarlierSendFailure(exception)) {
            // Kafka Streams reports a failed write on the next write it is asked for: the record being processed
            // now is not at fault, and it must not stand in as a dead letter for the record that was
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(
                router.deadLetters(context, context.sourceRawKey(), context.sourceRawValue(), exception));
    }

    /**
     * @return true for the exception Kafka Streams' record collector throws at a write when an earlier write
     *     failed (a plain {@link StreamsException} around the producer's exception), rather than anything the
     *     record being processed did
     */
    private static boolean isEarlierSendFailure(Exception exception) {
        return exception.getClass() == StreamsException.class && exception.getCause() instanceof KafkaException;
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
        if (router.isDeadLetterTopic(record.topic())) {
            router.lost(record, exception);
            return exception instanceof RetriableException
                    ? ProductionExceptionHandler.Response.retry()
                    : ProductionExceptionHandler.Response.resume();
        }
        if (exception instanceof RecordTooLargeException) {
            // Kafka Streams has already freed the source record's bytes: the letter keeps the row it could not write
            RecordTooLargeException tooLarge = new RecordTooLargeException("record too large to write to '"
                    + record.topic() + "' (" + exception.getMessage() + "); the view derived it from the record at "
                    + context.topic() + "-" + context.partition() + "@" + context.offset() + " and cannot keep it; raise"
                    + " max.request.size (and the topics' max.message.bytes) or keep rows smaller");
            return ProductionExceptionHandler.Response.resume(router.deadLetters(context.processorNodeId(),
                    context.topic(), context.partition(), context.offset(), record.key(), record.value(), tooLarge));
        }
        return exception instanceof RetriableException
                ? ProductionExceptionHandler.Response.retry()
                : ProductionExceptionHandler.Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
                                                                        ProducerRecord record, Exception exception,
                                                                        SerializationExceptionOrigin origin) {
        return ProductionExceptionHandler.Response.resume(
                router.deadLetters(context, context.sourceRawKey(), context.sourceRawValue(), exception));
    }
}
