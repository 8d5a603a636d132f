package dev.unbundled.internal.run;

import dev.unbundled.ViewException;
import dev.unbundled.internal.compile.CompiledViews;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a runtime starts, that the views' input topics exist (or creates them, where asked to), and
 * creates their dead-letter topics.
 */
final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
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
     * @throws ViewException naming a view whose input topic does not exist, or the cluster that cannot be reached
     */
    static void prepare(String bootstrapServers, CompiledViews views, DeadLetterRouter deadLetters,
                        int missingTopicPartitions) {
        String firstView = views.definitions().keySet().iterator().next();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = missingTopicPartitions > 0 ? list(admin) : awaitInputs(admin, views);
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
            for (String topic : deadLetters.topics()) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
                }
            }
            create(admin, missing);
        } catch (ExecutionException | TimeoutException e) {
            throw new ViewException(firstView, "Could not reach Kafka at " + bootstrapServers + " to check the topics"
                    + " of " + views.definitions().keySet() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViewException(firstView, "Interrupted while starting", e);
        }
    }

    /** @return the topics that exist, once every input topic does or the grace has passed */
    private static Set<String> awaitInputs(Admin admin, CompiledViews views)
            throws ExecutionException, TimeoutException, InterruptedException {
        Set<String> existing = list(admin);
        long graceEnd = System.nanoTime() + NEW_TOPIC_GRACE.toNanos();
        while (!existing.containsAll(views.viewsByTopic().keySet()) && System.nanoTime() < graceEnd) {
            Thread.sleep(100);
            existing = list(admin);
        }
        return existing;
    }

    private static void create(Admin admin, List<NewTopic> missing)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static Set<String> list(Admin admin) throws ExecutionException, TimeoutException, InterruptedException {
        return admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
