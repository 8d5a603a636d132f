package dev.unbundled.internal;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' three error hooks, all answering the same way: the record that could not be read,
 * processed or serialised goes to the dead-letter topic of the view that lost it, and processing goes
 * on. Failures to send to Kafka are not bad records and keep Kafka Streams' default handling.
 */
public final class DeadLetterHandler
        implements DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler {
    private DeadLetterRouter router;

    /** Kafka Streams creates handlers reflectively, once per hook. */
    public DeadLetterHandler() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object router = configs.get(StreamsDefaults.DEAD_LETTER_ROUTER);
        if (!(router instanceof DeadLetterRouter)) {
            throw new ConfigException(StreamsDefaults.DEAD_LETTER_ROUTER, router,
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
        return ProcessingExceptionHandler.Response.resume(
                router.deadLetters(context, context.sourceRawKey(), context.sourceRawValue(), exception));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
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
