package dev.unbundled.internal.run;

import dev.unbundled.ViewException;
import dev.unbundled.internal.compile.CompiledViews;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a runtime starts, that the views' input topics exist (or creates them, where asked to), and
 * creates their dead-letter topics. The check gives up once the cluster has not answered for
 * {@link #START_TIMEOUT} (or the runtime property {@value #START_TIMEOUT_PROPERTY}), so that a start against
 * brokers that cannot be reached fails in bounded time, naming them.
 */
final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** How long a start waits for the cluster to answer before it fails, unless the user says otherwise. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /**
     * The runtime property that sets it, in milliseconds ({@code builder.property("unbundled.start.timeout.ms",
     * 30_000)}). Not Kafka's {@code admin.default.api.timeout.ms}: Kafka Streams' admin client refuses one below
     * its request timeout.
     */
    static final String START_TIMEOUT_PROPERTY = "unbundled.start.timeout.ms";
    /**
     * A topic created a moment ago is known to the controller before the broker a listing asks has
     * caught up; an input topic that is missing is looked for again this long before the start fails.
     */
    private static final Duration NEW_TOPIC_GRACE = Duration.ofSeconds(5);

    private Topics() {
    }

    /**
     * @param missingTopicPartitions the partition count of input topics to create when missing; 0 to fail
     *     instead
     * @param config the runtime's properties, for {@link #START_TIMEOUT_PROPERTY}
     * @throws ViewException naming a view whose input topic does not exist, or the cluster that cannot be reached
     */
    static void prepare(String bootstrapServers, List<CompiledViews> engines, List<String> deadLetterTopics,
                        int missingTopicPartitions, Properties config) {
        Inputs views = Inputs.of(engines);
        String firstView = views.names().iterator().next();
        Duration timeout = startTimeout(config);
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = admin(bootstrapServers, timeout);
        try {
            Set<String> existing = missingTopicPartitions > 0 ? list(admin, deadline)
                    : awaitInputs(admin, views, deadline);
            List<NewTopic> missing = new ArrayList<>();
            for (Map.Entry<String, List<String>> input : views.viewsByTopic().entrySet()) {
                if (existing.contains(input.getKey())) {
                    continue;
                }
                String view = input.getValue().get(0);
                if (missingTopicPartitions == 0) {
                    throw new ViewException(view, "View '" + view + "' reads topic '" + input.getKey()
                            + "', which does not exist on " + bootstrapServers + "; create it first, or let the runtime"
                            + " create missing input topics in development with createMissingTopics(partitions)");
                }
                LOG.info("View '{}': creating its missing input topic '{}' with {} partitions", view, input.getKey(),
                        missingTopicPartitions);
                missing.add(new NewTopic(input.getKey(), Optional.of(missingTopicPartitions), Optional.empty()));
            }
            for (String topic : deadLetterTopics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
                }
            }
            create(admin, missing, deadline);
            warnIfNotCompacted(admin, engines, views, deadline);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(firstView, views, bootstrapServers, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViewException(firstView, "Interrupted while starting", e);
        } finally {
            // calls still waiting for a broker that is gone are given up now, not when they time out
            admin.close(Duration.ZERO);
        }
    }

    /**
     * Warns once per start of each table topic that deletes old records rather than compacting them: the topic
     * is the table's log, so after a restore (every start of a view in memory) the view holds only the keys whose
     * records the topic still has. A cluster that refuses to describe the topics is not asked again.
     */
    private static void warnIfNotCompacted(Admin admin, List<CompiledViews> engines, Inputs views, long deadline)
            throws InterruptedException {
        Set<String> logged = new TreeSet<>();
        engines.forEach(engine -> logged.addAll(engine.restores().loggedTopics()));
        if (logged.isEmpty()) {
            return;
        }
        List<ConfigResource> topics = logged.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        try {
            admin.describeConfigs(topics).all().get(left(deadline), TimeUnit.NANOSECONDS).forEach((topic, config) -> {
                ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
                ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
                boolean deletes = policy != null && policy.value() != null
                        && !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)
                        && !(retention != null && "-1".equals(retention.value()));
                if (deletes) {
                    LOG.warn("View(s) {} read topic '{}' as a table, and '{}' has cleanup.policy={} with a retention:"
                            + " a table's topic is its log, so after a restore (every start of a view in memory) a key"
                            + " whose records retention deleted is not in the view, as it would not be after a rebuild."
                            + " Set cleanup.policy=compact on '{}' to keep the latest value of every key",
                            views.viewsByTopic().getOrDefault(topic.name(), List.of()), topic.name(), topic.name(),
                            policy.value(), topic.name());
                }
            });
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Could not read the cleanup policy of topics {}", logged, e);
        }
    }

    /** The input topics of every engine, and the views that read each. */
    private record Inputs(Set<String> names, Map<String, List<String>> viewsByTopic) {
        static Inputs of(List<CompiledViews> engines) {
            Set<String> names = new LinkedHashSet<>();
            Map<String, List<String>> viewsByTopic = new LinkedHashMap<>();
            for (CompiledViews engine : engines) {
                names.addAll(engine.definitions().keySet());
                engine.viewsByTopic().forEach((topic, views) -> viewsByTopic.merge(topic, views,
                        (known, more) -> Stream.concat(known.stream(), more.stream()).distinct().toList()));
            }
            return new Inputs(names, viewsByTopic);
        }
    }

    /** @return the exception that says why Kafka did not answer, or what it refused, and what to do */
    private static ViewException unreachable(String firstView, Inputs views, String bootstrapServers,
                                             Duration timeout, Exception e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (e instanceof ExecutionException && !Brokers.unanswered(e)) {
            return new ViewException(firstView, "Could not start views " + views.names() + ": Kafka at "
                    + bootstrapServers + " refused to list or create their topics: " + Brokers.describe(e)
                    + ". Check the cluster's permissions and topic policies", cause);
        }
        String why = e instanceof ExecutionException ? ": " + Brokers.describe(e) : "";
        return new ViewException(firstView, "Could not start views " + views.names() + ": Kafka at "
                + bootstrapServers + " did not answer within " + timeout.toSeconds() + " s" + why + ". Check that"
                + " bootstrapServers names brokers that run and are reachable from this host; to wait longer, set"
                + " property " + START_TIMEOUT_PROPERTY, cause);
    }

    /** @return an admin client whose calls give up after the start timeout */
    private static Admin admin(String bootstrapServers, Duration timeout) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, (int) ADMIN_TIMEOUT.toMillis())));
    }

    private static Duration startTimeout(Properties config) {
        Object value = config.get(START_TIMEOUT_PROPERTY);
        if (value == null) {
            return START_TIMEOUT;
        }
        try {
            long millis = Long.parseLong(value.toString().trim());
            if (millis > 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Property " + START_TIMEOUT_PROPERTY + " must be a positive number of"
                + " milliseconds, was '" + value + "'");
    }

    /** @return the topics that exist, once every input topic does or the grace has passed */
    private static Set<String> awaitInputs(Admin admin, Inputs views, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        Set<String> existing = list(admin, deadline);
        long graceEnd = System.nanoTime() + NEW_TOPIC_GRACE.toNanos();
        while (!existing.containsAll(views.viewsByTopic().keySet()) && System.nanoTime() < graceEnd) {
            Thread.sleep(100);
            existing = list(admin, Math.max(deadline, graceEnd));
        }
        return existing;
    }

    private static void create(Admin admin, List<NewTopic> missing, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(left(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static Set<String> list(Admin admin, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        return admin.listTopics().names().get(left(deadline), TimeUnit.NANOSECONDS);
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
