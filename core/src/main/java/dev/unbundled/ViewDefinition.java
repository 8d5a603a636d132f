package dev.unbundled;

import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.Topology;

/**
 * A named, immutable view: a query over topics, ready to be run by a {@link ViewRuntime} or tested with
 * the testkit's {@code ViewTestKit}. Made by {@link View#materialize(String)}.
 *
 * <p>A definition is a value. Compiling it needs no broker, and compiling it twice gives the same
 * topology: every processor, store and internal topic has a name derived from the view's name, so a
 * redeploy of the same definition finds its state again.
 *
 * <pre>{@code
 * static final ViewDefinition<String, OrderNote> ORDER_NOTES =
 *     View.from(ORDERS)
 *         .join(View.from(PRODUCTS), Order::productId, OrderNote::new)
 *         .materialize("order-notes", Json.serde(OrderNote.class));
 *
 * System.out.println(ORDER_NOTES.describe());
 * }</pre>
 *
 * <p>This interface is not meant to be implemented outside Unbundled.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ViewDefinition<K, V> {

    /** @return the view's name: the name of its store, its dead-letter topic and its HTTP path */
    String name();

    /** @return the serde of the view's keys */
    Serde<K> keySerde();

    /** @return the serde of the view's values */
    Serde<V> valueSerde();

    /** @return true if the view is fully replicated on every instance (see {@link #global()}) */
    boolean isGlobal();

    /**
     * @return how long the view keeps its past for {@link ReadOnlyView#getAsOf}, or empty if it keeps none
     *     (see {@link View#materialize(String, History)})
     */
    Optional<History> history();

    /**
     * Makes this view global: every instance of the service holds all of it, read straight from its
     * topic. Global views are what {@link View#lookup} enriches against. Partitioned views of the same topic
     * run beside it in one runtime, each view being an application of its own; only a view that looks up a
     * global view cannot also read that view's topic.
     *
     * <pre>{@code
     * ViewDefinition<String, Product> products = View.from(PRODUCTS).materialize("products").global();
     * }</pre>
     *
     * @return a global copy of this definition
     * @throws IllegalStateException if the view is not a topic read as a table, unchanged, or keeps history
     */
    ViewDefinition<K, V> global();

    /**
     * Chooses where this view keeps its rows, overriding the runtime's default store. The choice covers
     * every store of the view, those inside its joins and aggregations too.
     *
     * <pre>{@code
     * ViewDefinition<String, Product> products = View.from(PRODUCTS).materialize("products").withStore(RocksDb.store());
     * }</pre>
     *
     * @param store the store choice
     * @return a copy of this definition with the store chosen (and the same history, if any)
     * @throws NullPointerException if the store is null
     */
    ViewDefinition<K, V> withStore(ViewStore store);

    /**
     * Adds a secondary index: a second key computed from each row's value, by which the view can also be read
     * ({@link ReadOnlyView#index}). The view's task keeps the index beside the view's store, in the same
     * commit, and restores it with the view; adding or changing an index rebuilds the view.
     *
     * <pre>{@code
     * ViewDefinition<String, OrderNote> notes = View.from(orders)
     *     .join(View.from(products), Order::productId, OrderNote::new)
     *     .materialize("order-notes", Json.serde(OrderNote.class))
     *     .withIndex(ViewIndex.of("by-customer", OrderNote::customerId, Serdes.String()));
     * }</pre>
     *
     * @param index the index
     * @return a copy of this definition that keeps the index too
     * @throws IllegalArgumentException if the view already has an index of that name
     * @throws IllegalStateException if the view is global
     */
    ViewDefinition<K, V> withIndex(ViewIndex<?, ? super V> index);

    /**
     * Chooses whether an in-memory view keeps its rows decoded (the default) or only serialised. Kept decoded,
     * a row's key and value are decoded once, on its first read, and kept beside its bytes until it changes:
     * a {@code get} is then a hash lookup and a scan returns objects without decoding, at the cost of the
     * decoded objects' memory (see the README's "Reads"). The values are shared between readers, so treat
     * them as immutable, as records are. Turn it off for a view whose values are mutable, or whose rows are
     * read once each. Views on RocksDB keep no decoded rows.
     *
     * <pre>{@code
     * ViewDefinition<String, Cart> carts = View.from(CARTS).materialize("carts").withReadCache(false);
     * }</pre>
     *
     * @param keepDecoded whether to keep rows decoded
     * @return a copy of this definition with that choice
     */
    ViewDefinition<K, V> withReadCache(boolean keepDecoded);

    /**
     * Compiles this view alone (with any global view it looks up) to a Kafka Streams topology.
     *
     * @return a new topology, equal in shape and names to every other compilation of this definition
     */
    Topology topology();

    /** @return a readable description of the compiled topology: its sub-topologies, processors, stores and topics */
    String describe();

    /**
     * Pins the view's version. The runtime rebuilds a view from its input topics whenever its fingerprint
     * changes; the version is part of the fingerprint, so a new version forces a rebuild even where the
     * fingerprint cannot see a change (code it cannot read, data outside the topics).
     *
     * <pre>{@code
     * ViewDefinition<String, Product> products = View.from(PRODUCTS).materialize("products").version("2");
     * }</pre>
     *
     * @param version any text; views without one have the empty version
     * @return a copy of this definition with the version set
     * @throws NullPointerException if the version is null
     */
    ViewDefinition<K, V> version(String version);

    /**
     * @return the hex fingerprint of everything that determines the view's content: its compiled topology,
     *     serdes, store choice, version, and the code of its functions. A runtime keeps the state of each
     *     fingerprint apart, so a changed view rebuilds from its inputs and an unchanged one finds its state
     */
    String fingerprint();
}
