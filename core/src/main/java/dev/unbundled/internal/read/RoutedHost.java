package dev.unbundled.internal.read;

import dev.unbundled.Freshness;
import dev.unbundled.remote.Transport;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;

/**
 * A view host whose partitions are spread over several instances: it knows where each partition lives and
 * how to reach the other instances. A {@link RoutedView} reads through one.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface RoutedHost<K, V> extends ViewHost<K, V> {

    /**
     * @param key a key
     * @return where the key's partition lives, by Kafka Streams' metadata; {@link KeyQueryMetadata#NOT_AVAILABLE}
     *         while the group rebalances
     */
    KeyQueryMetadata keyMetadata(K key);

    /**
     * Reads a key from the running store of its partition here, without asking Kafka Streams.
     *
     * @param partition the key's partition
     * @param key the key
     * @return the key's value (empty if absent), or null if this instance does not run the partition's active
     *         task now and cannot tell
     */
    Optional<V> liveGet(int partition, K key);

    /**
     * @param partition a partition of the view
     * @return how many records the local copy of the partition is behind its changelog
     */
    long storeLag(int partition);

    /**
     * @return a number that changes whenever one of the view's local stores opens or closes (a task came or
     *     went): a lag, and a read, under one number are of the same store
     */
    long storeGeneration();

    /**
     * Refuses a freshness token that names partitions other instances process.
     *
     * @param freshness the token
     * @throws dev.unbundled.ViewNotReadyException naming the partitions and what to do
     */
    void requireLocal(Freshness freshness);

    /**
     * Which instance answers for each partition of the view: the one running it active, else (if allowed)
     * one holding a standby.
     *
     * @param standbys whether standbys may answer
     * @return the instances and their partitions
     * @throws dev.unbundled.ViewNotReadyException naming the partitions no instance can answer for
     */
    List<Copies> scanPlan(boolean standbys);

    /** @return how reads reach other instances */
    Transport transport();

    /**
     * Some partitions of a view, at the instance that answers for them.
     *
     * @param instance the instance, {@code host:port}
     * @param standby whether its copies are standbys
     * @param partitions the partitions
     */
    record Copies(String instance, boolean standby, Set<Integer> partitions) {
    }

    @Override
    RoutedHost<Object, V> index(dev.unbundled.ViewIndex<?, ?> index);
}
