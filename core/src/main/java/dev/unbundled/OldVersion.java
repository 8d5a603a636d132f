package dev.unbundled;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an earlier version of a view left behind: each version of a view (each fingerprint, see
 * {@link ViewDefinition#fingerprint()}) runs under a Kafka Streams application of its own, named
 * {@code <application id>.<view>.<fingerprint>}, with its own consumer groups, internal topics and local
 * state. A runtime never removes them by itself; list them with {@link ViewRuntime#oldVersions()} and
 * remove them with {@link ViewRuntime#removeOldVersions()} once no instance runs them any more.
 *
 * <pre>{@code
 * runtime.oldVersions().forEach(old -> log.info("left behind: {}", old));
 * List<OldVersion> removed = runtime.removeOldVersions();   // skips versions still in use
 * }</pre>
 *
 * @param view the view's name
 * @param version the version's fingerprint
 * @param groups its consumer groups: the view's own, and the one that keeps the target of its build
 * @param topics its internal topics: changelogs, repartition and foreign-key join topics
 * @param localState its state directory on this instance, if it has one here
 * @param inUse whether an instance still runs it (its consumer group has members); such a version is
 *     never removed
 */
public record OldVersion(String view, String version, List<String> groups, List<String> topics,
                         Optional<Path> localState, boolean inUse) {

    /**
     * @param view the view's name
     * @param version the version's fingerprint
     * @param groups its consumer groups
     * @param topics its internal topics
     * @param localState its state directory here, if any
     * @param inUse whether an instance still runs it
     * @throws NullPointerException if an argument is null
     */
    public OldVersion {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(version, "version");
        groups = List.copyOf(groups);
        topics = List.copyOf(topics);
        Objects.requireNonNull(localState, "localState");
    }

    @Override
    public String toString() {
        return "view '" + view + "' version " + version + (inUse ? " (in use)" : "") + ": groups " + groups
                + ", topics " + topics + localState.map(dir -> ", local state " + dir).orElse("");
    }
}
