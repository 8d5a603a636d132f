package dev.unbundled.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Utils;

/**
 * What the demos do around their views: create their topics on a cluster that lacks them, and delete a
 * temporary state directory when they stop.
 *
 * <pre>{@code
 * DemoSupport.createTopicsIfMissing("localhost:9092", 6, Duration.ofSeconds(30), System.out, "orders", "products");
 * }</pre>
 */
public final class DemoSupport {
    private DemoSupport() {
    }

    /**
     * Creates the topics that do not exist yet, leaving existing ones as they are.
     *
     * @param servers the cluster
     * @param partitions the partition count of a topic created here
     * @param patience how long to wait for the cluster's answer to each topic
     * @param out where to say which topics were created
     * @param names the topics
     * @throws IllegalStateException naming the topic if the cluster refuses it or does not answer in time
     * @throws InterruptedException if interrupted while waiting
     */
    public static void createTopicsIfMissing(String servers, int partitions, Duration patience, PrintStream out,
                                             String... names) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
                            .all().get(patience.toMillis(), TimeUnit.MILLISECONDS);
                    out.println("Created topic '" + name + "' on " + servers);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic '" + name + "' on " + servers
                                + "; create it yourself, or check the address and the client's rights", e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("No answer from the Kafka cluster at " + servers + " within "
                            + patience + " while creating topic '" + name + "'; check the bootstrap address", e);
                }
            }
        }
    }

    /**
     * Deletes a directory and everything in it.
     *
     * @param directory the directory
     * @throws UncheckedIOException if something in it cannot be deleted
     */
    public static void deleteRecursively(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the demo's state directory " + directory, e);
        }
    }
}
