package dev.unbundled.internal.run;

import dev.unbundled.ReadListener;
import dev.unbundled.ViewStore;
import dev.unbundled.internal.compile.DefinitionImpl;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a runtime is started with, as {@code ViewRuntime.Builder} collected it.
 *
 * @param applicationId the Kafka Streams application id
 * @param bootstrapServers the cluster
 * @param stateDir where local state lives
 * @param defaultStore the store of views that choose none
 * @param definitions the views, in registration order
 * @param overrides the user's own Streams properties
 * @param advertised where to answer other instances' reads, or null to answer none
 * @param missingTopicPartitions the partition count of input topics to create when missing; 0 to create
 *     none and fail instead
 * @param readListener what hears every read, or null
 */
public record RuntimeSettings(String applicationId, String bootstrapServers, Path stateDir, ViewStore defaultStore,
                              List<DefinitionImpl<?, ?>> definitions, Map<String, Object> overrides,
                              Advertised advertised, int missingTopicPartitions, ReadListener readListener) {
}
