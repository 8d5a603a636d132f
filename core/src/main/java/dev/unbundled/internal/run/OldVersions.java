package dev.unbundled.internal.run;

import dev.unbundled.OldVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and removes what earlier versions of a runtime's views left behind: every application id
 * {@code <application id>.<view>.<fingerprint>} this runtime does not run, with its groups, internal topics
 * and local state directory. A version whose group has members is in use and is never removed.
 */
final class OldVersions {
    private static final Logger LOG = LoggerFactory.getLogger(OldVersions.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final String applicationId;
    private final Set<String> current;
    private final Path stateDir;
    private final Pattern versioned;

    /**
     * @param admin an admin client of the cluster
     * @param applicationId the runtime's application id
     * @param current the Kafka Streams application ids the runtime runs
     * @param stateDir the runtime's state directory
     */
    OldVersions(Admin admin, String applicationId, Set<String> current, Path stateDir) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.current = Set.copyOf(current);
        this.stateDir = stateDir;
        // a view's name has no '.', so the view and the fingerprint are the last two parts
        this.versioned = Pattern.compile(Pattern.quote(applicationId + ".") + "([a-zA-Z0-9_-]+)\\.([0-9a-f]{8,64})");
    }

    /** @return every old version, in the order of view and version */
    List<OldVersion> list() {
        Map<String, Found> found = new TreeMap<>();
        try {
            for (GroupListing group : admin.listGroups().all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                String id = group.groupId();
                String owner = id.endsWith(Rebuild.TARGET_GROUP_SUFFIX)
                        ? id.substring(0, id.length() - Rebuild.TARGET_GROUP_SUFFIX.length()) : id;
                version(owner, found).ifPresent(old -> {
                    old.groups.add(id);
                    old.inUse |= group.groupState().map(state -> state != GroupState.EMPTY && state != GroupState.DEAD)
                            .orElse(false);
                });
            }
            for (String topic : admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                int dash = topic.indexOf('-', applicationId.length() + 1);
                if (dash > 0) {
                    version(topic.substring(0, dash), found).ifPresent(old -> old.topics.add(topic));
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Runtime '" + applicationId + "' could not list the old versions of its"
                    + " views: Kafka did not answer (" + Brokers.describe(e) + "); check the brokers and try again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing old versions of runtime '" + applicationId
                    + "'", e);
        }
        if (Files.isDirectory(stateDir)) {
            try (Stream<Path> dirs = Files.list(stateDir)) {
                dirs.filter(Files::isDirectory).forEach(dir -> version(dir.getFileName().toString(), found)
                        .ifPresent(old -> old.localState = dir));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list the state directory " + stateDir, e);
            }
        }
        return found.values().stream().map(Found::toOldVersion).toList();
    }

    /** @return the versions removed: every old version not in use */
    List<OldVersion> remove() {
        List<OldVersion> removed = new ArrayList<>();
        for (OldVersion old : list()) {
            if (old.inUse()) {
                LOG.info("Runtime '{}': not removing {}: an instance still runs it", applicationId, old);
                continue;
            }
            try {
                if (!old.groups().isEmpty()) {
                    admin.deleteConsumerGroups(old.groups()).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                if (!old.topics().isEmpty()) {
                    admin.deleteTopics(old.topics()).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Runtime '" + applicationId + "' could not remove " + old + ": "
                        + Brokers.describe(e) + "; removed before it: " + removed, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while removing " + old, e);
            }
            old.localState().ifPresent(OldVersions::delete);
            LOG.info("Runtime '{}': removed {}", applicationId, old);
            removed.add(old);
        }
        return removed;
    }

    private static void delete(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the local state of an old version, " + dir, e);
        }
    }

    /** @return the old version a name belongs to, if it is one of this runtime's and not one it runs */
    private Optional<Found> version(String name, Map<String, Found> found) {
        Matcher matcher = versioned.matcher(name);
        if (!matcher.matches() || current.contains(name)) {
            return Optional.empty();
        }
        return Optional.of(found.computeIfAbsent(name, key -> new Found(matcher.group(1), matcher.group(2))));
    }

    /** An old version as it is being found. */
    private static final class Found {
        final String view;
        final String version;
        final Set<String> groups = new TreeSet<>();
        final Set<String> topics = new TreeSet<>();
        Path localState;
        boolean inUse;

        Found(String view, String version) {
            this.view = view;
            this.version = version;
        }

        OldVersion toOldVersion() {
            return new OldVersion(view, version, List.copyOf(groups), List.copyOf(topics),
                    Optional.ofNullable(localState), inUse);
        }
    }
}
