package dev.unbundled.internal.compile;

import dev.unbundled.Change;
import dev.unbundled.ChangeListener;
import dev.unbundled.Freshness;
import dev.unbundled.Subscription;
import dev.unbundled.ViewException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change taps of a topology's views and their subscriptions. A tap runs on the stream thread after
 * the view's final table; it only offers each change to the subscriptions' bounded buffers, never
 * waits, and costs one volatile read when nobody subscribes. Each subscription drains its buffer on its
 * own daemon thread. While a view has subscriptions its store keeps what each write replaced
 * ({@code OldValues}), and its tap turns that into the change's old value.
 */
public final class Changes {
    private static final Logger LOG = LoggerFactory.getLogger(Changes.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long IDLE_POLL_MS = 50;

    private final Map<String, List<Sub>> byView = new ConcurrentHashMap<>();
    private final Map<String, LiveStores> stores = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> applied = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final OldValues oldValues = new OldValues();
    /** The store each tapped view's changes come from; views that are one topic's table share one. */
    private final Map<String, String> storeOfView = new ConcurrentHashMap<>();

    /**
     * @param view a view's name
     * @return the view's stores of the tasks running here, which its tap registers; empty for a view without
     *     a tap (a global view)
     */
    public LiveStores stores(String view) {
        return stores.computeIfAbsent(view, v -> new LiveStores());
    }
    /** @return the views' own stores and what their writes replaced */
    /**
     * @return a number that changes whenever one of the views' stores is opened or closed here: a standby's
     *     lag learned under one number describes the store read under the same number only
     */
    public long storeGeneration() {
        return oldValues.storeGeneration();
    }

    OldValues oldValues() {
        return oldValues;
    }

    /** The topics each view reads: the only ones a change's position may name. Known once compiled. */
    private volatile java.util.function.Function<String, java.util.Set<String>> inputTopics = view -> java.util.Set.of();

    /** @param inputTopics the topics each view reads, by view name */
    void inputTopics(java.util.function.Function<String, java.util.Set<String>> inputTopics) {
        this.inputTopics = inputTopics;
    }

    /**
     * @param view a view's name
     * @param storeName the view's store, which the tap registers in {@link #stores(String)} while its task runs
     * @param decoder how the old values the store keeps (see {@code OldValues}) become the changes' old values
     * @return a processor to hang after the view's changes, on the stream thread
     */
    ProcessorSupplier<Object, Object, Void, Void> tap(String view, String storeName, OldValues.Decoder decoder) {
        storeOfView.put(view, storeName);
        subscriptions(view);
        stores(view);
        applied.computeIfAbsent(view, v -> new LongAdder());
        dropped.computeIfAbsent(view, v -> new LongAdder());
        return () -> new Tap(view, storeName, decoder);
    }

    /** One task's tap of a view. */
    private final class Tap implements Processor<Object, Object, Void, Void> {
        private final String view;
        private final String storeName;
        private final OldValues.Decoder decoder;
        private final List<Sub> subscriptions;
        private final LiveStores live;
        private final LongAdder updates;
        private org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context;
        private java.util.Set<String> inputTopics;
        private Object store;
        private String changelog;
        /** The task's store that keeps old values, once found; the last capture taken, not to take twice. */
        private OldValueStore capturing;
        private OldValueStore.Before taken;

        Tap(String view, String storeName, OldValues.Decoder decoder) {
            this.view = view;
            this.storeName = storeName;
            this.decoder = decoder;
            this.subscriptions = subscriptions(view);
            this.live = stores(view);
            this.updates = applied.get(view);
        }

        @Override
        public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
            this.context = context;
            this.inputTopics = Changes.this.inputTopics.apply(view);
            this.changelog = context.applicationId() + "-" + storeName + "-changelog";
            this.capturing = null;   // found again: a task that is revived may open its stores anew
            this.taken = null;
            OldValueStore opened = oldValues.open(storeName, context.taskId());
            RowSource rows = opened == null ? null : opened.rows();
            RowDecoder rowDecoder = oldValues.decoder(storeName);
            store = live.register(context, storeName, rows == null || rowDecoder == null ? null
                    : new DecodedRows(rows, rowDecoder, opened.timestamped()));
        }

        @Override
        public void close() {
            live.unregister(context, store);
        }

        @Override
        public void process(Record<Object, Object> record) {
            updates.increment();
            if (subscriptions.isEmpty() || record.key() == null) {
                return;
            }
            Freshness position = context.recordMetadata()
                    .filter(input -> inputTopics.contains(input.topic()))
                    .map(input -> Freshness.after(input.topic(), input.partition(), input.offset()))
                    .orElse(Freshness.any());
            Change<Object, Object> change = new Change<>(record.key(), oldValue(record.key()),
                    Optional.ofNullable(record.value()), position);
            for (Sub subscription : subscriptions) {
                subscription.offer(change);
            }
        }

        /**
         * The value the write that made this change replaced, kept by the view's store: the write ran on this
         * thread just before (Kafka Streams writes a table's store, then forwards the change). Empty for an
         * insert, and for a write made before the first subscription turned the capture on.
         */
        private Optional<Object> oldValue(Object key) {
            if (capturing == null) {
                capturing = oldValues.open(storeName, context.taskId());
            }
            OldValueStore.Before before = capturing == null ? null : capturing.before();
            if (before == null || before == taken) {
                return Optional.empty();
            }
            taken = before;
            try {
                return decoder.decode(capturing, before, changelog, key);
            } catch (RuntimeException e) {
                // the view's store holds the value; a serde that cannot read it again costs the old value only
                LOG.warn("View '{}': the old value of key '{}' could not be read back from its store with the view's"
                        + " serdes; the change is delivered without it. Check that the value serde reads what it"
                        + " writes", view, key, e);
                return Optional.empty();
            }
        }
    }

    /**
     * Adds or removes a view's subscription, and turns the capture of old values by the view's store on while
     * any view reading that store has subscriptions, off once none has. An addition turns it on first, so the
     * first change it delivers has its old value.
     */
    private synchronized void changeSubscriptions(String view, boolean adding, Runnable change) {
        String store = storeOfView.get(view);
        if (adding && store != null) {
            oldValues.wanted(store).set(true);
        }
        change.run();
        if (store != null) {
            oldValues.wanted(store).set(storeOfView.entrySet().stream()
                    .anyMatch(e -> e.getValue().equals(store) && !subscriptions(e.getKey()).isEmpty()));
        }
    }

    private List<Sub> subscriptions(String view) {
        return byView.computeIfAbsent(view, v -> new CopyOnWriteArrayList<>());
    }

    /**
     * @param view a view's name
     * @param listener the listener
     * @param capacity the buffer's size
     * @param <K> the key type
     * @param <V> the value type
     * @return the running subscription
     * @throws IllegalArgumentException if the view has no tap (a global view)
     */
    @SuppressWarnings("unchecked")
    public <K, V> Subscription subscribe(String view, ChangeListener<K, V> listener, int capacity) {
        List<Sub> subscriptions = byView.get(view);
        if (subscriptions == null) {
            throw new IllegalArgumentException("View '" + view + "' is a global view, whose changes cannot be"
                    + " subscribed to; subscribe to a partitioned view over the same topic instead");
        }
        Sub subscription = new Sub(view, (ChangeListener<Object, Object>) (ChangeListener<?, ?>) listener, capacity);
        changeSubscriptions(view, true, () -> subscriptions.add(subscription));
        subscription.start();
        return subscription;
    }

    /** @return how many updates each view (with a tap) applied to its store since start, by view name */
    public Map<String, Long> applied() {
        return counts(applied);
    }

    /** @return how many subscriptions of each view were dropped for not keeping up, by view name */
    public Map<String, Long> dropped() {
        return counts(dropped);
    }

    private static Map<String, Long> counts(Map<String, LongAdder> adders) {
        Map<String, Long> counts = new TreeMap<>();
        adders.forEach((view, count) -> counts.put(view, count.sum()));
        return Collections.unmodifiableMap(counts);
    }

    /** Closes every subscription, when the runtime or kit closes. */
    public void closeAll() {
        byView.values().forEach(subscriptions -> subscriptions.forEach(Sub::close));
    }

    /** One subscription: its buffer, its dispatcher thread and its fate. */
    private final class Sub implements Subscription, Runnable {
        private final String view;
        private final ChangeListener<Object, Object> listener;
        private final int capacity;
        private final BlockingQueue<Change<Object, Object>> buffer;
        private final AtomicLong delivered = new AtomicLong();
        private final Thread dispatcher;
        private volatile boolean active = true;
        private volatile boolean overflowed;

        Sub(String view, ChangeListener<Object, Object> listener, int capacity) {
            this.view = view;
            this.listener = listener;
            this.capacity = capacity;
            this.buffer = new ArrayBlockingQueue<>(capacity);
            this.dispatcher = new Thread(this, "unbundled-" + view + "-subscription-" + THREADS.incrementAndGet());
            this.dispatcher.setDaemon(true);
        }

        void start() {
            dispatcher.start();
        }

        /** On the stream thread: never blocks. */
        void offer(Change<Object, Object> change) {
            if (!active || overflowed) {
                return;
            }
            if (!buffer.offer(change)) {
                overflowed = true;
                changeSubscriptions(view, false, () -> subscriptions(view).remove(this));
                dropped.computeIfAbsent(view, v -> new LongAdder()).increment();
            }
        }

        @Override
        public void run() {
            try {
                while (active) {
                    Change<Object, Object> change = buffer.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                    if (change == null) {
                        if (overflowed) {
                            // the buffered changes went out first; now say why no more will come
                            active = false;
                            listener.onError(new ViewException(view, "View '" + view + "': a change subscription"
                                    + " could not keep up and was dropped after its buffer of " + capacity
                                    + " changes filled (delivered " + delivered.get() + "); the view kept running."
                                    + " Re-read the view and subscribe again, with a faster listener or a larger"
                                    + " capacity"));
                            return;
                        }
                        continue;
                    }
                    if (!active) {
                        return;
                    }
                    try {
                        listener.onChange(change);
                    } catch (RuntimeException e) {
                        LOG.warn("View '{}': a change listener threw on key '{}'; the next change is delivered",
                                view, change.key(), e);
                    }
                    delivered.incrementAndGet();
                }
            } catch (InterruptedException e) {
                // closed
            } catch (RuntimeException e) {
                LOG.warn("View '{}': a change listener's onError threw", view, e);
            }
        }

        @Override
        public boolean isActive() {
            return active && !overflowed;
        }

        @Override
        public long delivered() {
            return delivered.get();
        }

        @Override
        public void close() {
            if (!active) {
                return;
            }
            active = false;
            changeSubscriptions(view, false, () -> subscriptions(view).remove(this));
            buffer.clear();
            if (Thread.currentThread() != dispatcher) {
                dispatcher.interrupt();
            }
        }

        @Override
        public String toString() {
            return "Subscription[" + view + ", delivered=" + delivered.get() + (isActive() ? "]" : ", closed]");
        }
    }
}
