package dev.unbundled.testkit;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs one {@link EmbeddedKafka} broker per test class: started before the
 * first test of the class, closed after the last one. Test-class constructors, lifecycle methods and
 * test methods receive it by declaring a parameter of type {@link EmbeddedKafka}. {@code @Nested}
 * classes share the broker of their enclosing class. A test may {@linkplain EmbeddedKafka#stop() stop} the
 * broker; if it leaves it stopped (say, it failed before restarting it), the broker is
 * {@linkplain EmbeddedKafka#restart() restarted} before the next test, so one test's failure does not
 * spread to the rest of the class.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class OrdersIT {
 *     @Test
 *     void ordersArePublished(EmbeddedKafka kafka) {
 *         kafka.createTopic("orders", 3);
 *         // ...
 *     }
 * }
 * }</pre>
 *
 * <p>Registered on a static field, it also hands out the broker directly and accepts broker
 * configuration overrides:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafkaExtension kafka =
 *         new EmbeddedKafkaExtension(Map.of("auto.create.topics.enable", false));
 *
 * @Test
 * void ordersArePublished() {
 *     String bootstrap = kafka.kafka().bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

    private final Map<String, ?> brokerOverrides;
    private final AtomicReference<EmbeddedKafka> current = new AtomicReference<>();

    /**
     * Creates an extension whose brokers use the default configuration; this is the constructor
     * {@code @ExtendWith} uses.
     *
     * <pre>{@code
     * @RegisterExtension
     * static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();
     * }</pre>
     */
    public EmbeddedKafkaExtension() {
        this(Map.of());
    }

    /**
     * Creates an extension whose brokers start with the given configuration overrides, as
     * {@link EmbeddedKafka#start(Map)} does.
     *
     * <pre>{@code
     * @RegisterExtension
     * static final EmbeddedKafkaExtension kafka =
     *         new EmbeddedKafkaExtension(Map.of("num.partitions", 3));
     * }</pre>
     *
     * @param brokerOverrides broker configuration entries
     */
    public EmbeddedKafkaExtension(Map<String, ?> brokerOverrides) {
        this.brokerOverrides = Map.copyOf(Objects.requireNonNull(brokerOverrides, "brokerOverrides"));
    }

    /**
     * Returns the broker this extension started for the test class that is running.
     *
     * <pre>{@code
     * kafka.kafka().createTopic("orders", 3);
     * }</pre>
     *
     * @return the running broker
     * @throws IllegalStateException outside the test class lifecycle, before the broker started or
     *                               after it was closed
     */
    public EmbeddedKafka kafka() {
        EmbeddedKafka kafka = current.get();
        if (kafka == null) {
            throw new IllegalStateException("No embedded Kafka broker is running: kafka() is available from "
                    + "@BeforeAll to @AfterAll of a test class that registers this extension");
        }
        return kafka;
    }

    /**
     * Starts the broker for the test class, unless an enclosing class already has one.
     *
     * <pre>{@code
     * // called by JUnit
     * }</pre>
     *
     * @param context the test class context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    /**
     * Restarts the class's broker if an earlier test left it stopped.
     *
     * <pre>{@code
     * // called by JUnit
     * }</pre>
     *
     * @param context the test method context
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        EmbeddedKafka kafka = broker(context);
        if (!kafka.isRunning()) {
            kafka.restart();
        }
    }

    /**
     * Closes the broker started for this test class; a {@code @Nested} class leaves its enclosing
     * class's broker running.
     *
     * <pre>{@code
     * // called by JUnit
     * }</pre>
     *
     * @param context the test class context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        // remove() only looks at this context's own store, so a nested class never closes its parent's broker.
        EmbeddedKafka kafka = context.getStore(NAMESPACE).remove(this, EmbeddedKafka.class);
        if (kafka != null) {
            current.compareAndSet(kafka, null);
            kafka.close();
        }
    }

    /**
     * Supports parameters of type {@link EmbeddedKafka}.
     *
     * <pre>{@code
     * @BeforeEach
     * void createTopics(EmbeddedKafka kafka) {
     *     kafka.createTopic("orders", 3);
     * }
     * }</pre>
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current context
     * @return whether the parameter is an {@link EmbeddedKafka}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafka.class;
    }

    /**
     * Returns the test class's broker, starting it if the test instance is created before
     * {@code beforeAll} (as with {@code @TestInstance(PER_CLASS)}).
     *
     * <pre>{@code
     * OrdersIT(EmbeddedKafka kafka) {
     *     this.kafka = kafka;
     * }
     * }</pre>
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current context
     * @return the running broker
     */
    @Override
    public EmbeddedKafka resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker(extensionContext);
    }

    private EmbeddedKafka broker(ExtensionContext context) {
        // The store searches enclosing contexts first, so nested classes and test methods reuse the
        // class's broker. Keyed by this instance so two differently configured extensions do not mix.
        // JUnit also closes it with the context if afterAll never runs, e.g. when registered on a method.
        EmbeddedKafka kafka = context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(this, key -> EmbeddedKafka.start(brokerOverrides), EmbeddedKafka.class);
        current.set(kafka);
        return kafka;
    }
}
