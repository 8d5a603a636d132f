package dev.unbundled.internal.run;

import dev.unbundled.internal.compile.CompiledViews;
import dev.unbundled.internal.compile.StoreRouting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The local state of an application on disk, and throwing away the part that belongs to ephemeral views. */
final class LocalState {
    private static final Logger LOG = LoggerFactory.getLogger(LocalState.class);

    private LocalState() {
    }

    /**
     * Deletes every task directory that holds a store of an ephemeral view. A task's checkpoint covers all
     * its stores, so deleting one store alone would leave Kafka Streams believing it was still restored;
     * deleting the task makes it restore every store of the task from its changelog, which is correct.
     *
     * @param applicationDir {@code <state.dir>/<application.id>}
     * @param views the compiled views
     * @param routing the store of each view
     */
    static void wipeEphemeral(Path applicationDir, CompiledViews views, StoreRouting routing) {
        Set<String> ephemeralStores = new HashSet<>();
        for (String store : storeNames(views.topology().describe())) {
            if (routing.storeFor(store).wipesLocalStateOnStart()) {
                ephemeralStores.add(store);
            }
        }
        if (ephemeralStores.isEmpty() || !Files.isDirectory(applicationDir)) {
            return;
        }
        try (Stream<Path> tasks = Files.list(applicationDir)) {
            for (Path task : tasks.filter(Files::isDirectory).toList()) {
                if (holdsAny(task, ephemeralStores)) {
                    LOG.debug("Deleting {}: it holds the state of an ephemeral view, which rebuilds from Kafka", task);
                    Utils.delete(task.toFile());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear the local state of ephemeral views in " + applicationDir, e);
        }
    }

    private static boolean holdsAny(Path task, Set<String> stores) throws IOException {
        for (String kind : List.of("rocksdb", "")) {
            Path dir = kind.isEmpty() ? task : task.resolve(kind);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.anyMatch(entry -> stores.contains(entry.getFileName().toString()))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static Set<String> storeNames(TopologyDescription description) {
        Set<String> stores = new HashSet<>();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
        }
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            stores.addAll(global.processor().stores());
        }
        return stores;
    }
}
