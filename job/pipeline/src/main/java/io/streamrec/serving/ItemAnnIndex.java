package io.streamrec.serving;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Candidate generation for large catalogs: an HNSW graph (hnswlib-core) over the items' score
 * vectors, searched for the largest inner products with a user's query. An item's score is {@code q
 * . v + s} (its static terms {@code s}: bias, popularity, trend), i.e. the inner product of {@code
 * [q, 1]} and {@code [v, s]}; the standard reduction to Euclidean search appends {@code sqrt(M^2 -
 * |x|^2)} to each item ({@code M} bounds the norms) and 0 to the query, so the nearest items are
 * those with the largest inner product. The caller rescores the candidates exactly with the current
 * vectors, so a stale index entry only costs recall, never a wrong score.
 */
public final class ItemAnnIndex {
    /** One indexed item: its index in the serving replica and its transformed vector. */
    record Entry(Integer id, float[] vector, long version) implements Item<Integer, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    /** How long an interrupted build waits for its adders to stop. */
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final int d;
    private final int capacity;
    private final HnswIndex<Integer, float[], Entry, Float> index;
    private final float maxNorm;

    /** Entries put so far: HNSW gives each, a replacement too, a node of its capacity. */
    private long versions;

    /**
     * An index of {@code items} items ({@code v[i * d..(i + 1) * d)} and {@code staticTerms[i]}),
     * with room for as many more entries, built with {@code threads} threads.
     */
    public static ItemAnnIndex build(int d, float[] v, float[] staticTerms, int items, int threads)
            throws InterruptedException {
        double maxNorm = 0;
        for (int i = 0; i < items; i++) {
            double norm = staticTerms[i] * staticTerms[i];
            for (int k = 0; k < d; k++) {
                norm += v[i * d + k] * v[i * d + k];
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(norm));
        }
        // norms that grow later are clamped: their extra component becomes 0
        ItemAnnIndex index = new ItemAnnIndex(d, Math.max(16, 2 * items), (float) maxNorm);
        index.putAll(v, staticTerms, items, threads);
        return index;
    }

    /**
     * @param d the model dimension (vectors here have d + 2 components)
     * @param capacity items the index may hold
     * @param maxNorm an upper bound of {@code |[v, s]|} over all items (norms above it are clamped)
     */
    public ItemAnnIndex(int d, int capacity, float maxNorm) {
        this.d = d;
        this.capacity = capacity;
        this.maxNorm = maxNorm;
        this.index =
                HnswIndex.newBuilder(d + 2, DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE, capacity)
                        .withM(16)
                        .withEfConstruction(64)
                        .withEf(200)
                        .withRemoveEnabled()
                        .build();
    }

    /** The transformed vector of an item with score vector {@code v} and static terms {@code s}. */
    private float[] transform(float[] v, int offset, float s) {
        float[] x = new float[d + 2];
        double norm = s * s;
        for (int k = 0; k < d; k++) {
            x[k] = v[offset + k];
            norm += x[k] * x[k];
        }
        x[d] = s;
        x[d + 1] = (float) Math.sqrt(Math.max(0, (double) maxNorm * maxNorm - norm));
        return x;
    }

    /** Adds or replaces item {@code item} ({@code v[offset..offset+d)} and static terms). */
    public void put(int item, float[] v, int offset, float staticTerms) {
        index.add(new Entry(item, transform(v, offset, staticTerms), ++versions));
    }

    /**
     * Adds many items at once with up to {@code threads} threads of its own (building the index).
     * An interrupt stops every one of them after the item it is adding: hnswlib's own {@code
     * addAll} would leave its threads adding the rest, minutes at a million items, after the task
     * that started the build was cancelled.
     */
    public void putAll(float[] v, float[] staticTerms, int items, int threads)
            throws InterruptedException {
        Entry[] entries = new Entry[items];
        for (int i = 0; i < items; i++) {
            entries[i] = new Entry(i, transform(v, i * d, staticTerms[i]), ++versions);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // hnswlib lends each search one of availableProcessors() visited sets, waiting for one
        // while it holds node locks: more adders than that deadlock
        int cap = Math.min(threads, Runtime.getRuntime().availableProcessors());
        Thread[] adders = new Thread[Math.max(1, Math.min(cap, items))];
        for (int t = 0; t < adders.length; t++) {
            adders[t] = new Thread(() -> addEach(entries, next, failed), "ann-indexer-" + t);
            adders[t].setDaemon(true);
            adders[t].start();
        }
        awaitAdders(adders);
        Throwable failure = failed.get();
        if (failure instanceof Error error) {
            throw error; // out of memory: the caller fails the task, as on its own thread
        }
        if (failure != null) {
            throw new IllegalStateException("adding an item to the index failed", failure);
        }
    }

    /** Adds the entries {@code next} hands out until none is left, one fails or an interrupt. */
    private void addEach(Entry[] entries, AtomicInteger next, AtomicReference<Throwable> failed) {
        try {
            int i;
            while (!Thread.currentThread().isInterrupted()
                    && failed.get() == null
                    && (i = next.getAndIncrement()) < entries.length) {
                index.add(entries[i]);
            }
        } catch (Throwable t) {
            failed.compareAndSet(null, t);
        }
    }

    /** Waits for every adder; interrupted, stops them all and waits for them before it throws. */
    private static void awaitAdders(Thread[] adders) throws InterruptedException {
        try {
            for (Thread adder : adders) {
                adder.join();
            }
        } catch (InterruptedException e) {
            for (Thread adder : adders) {
                adder.interrupt();
            }
            for (Thread adder : adders) {
                adder.join(STOP_WAIT_MILLIS); // one item's add at most
            }
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    /** The indices of up to {@code count} items with the largest {@code q . v + s}. */
    public int[] candidates(float[] q, int count) {
        float[] query = new float[d + 2];
        System.arraycopy(q, 0, query, 0, d);
        query[d] = 1f;
        List<SearchResult<Entry, Float>> found = index.findNearest(query, count);
        int[] out = new int[found.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = found.get(i).item().id();
        }
        return out;
    }

    public int size() {
        return index.size();
    }

    /** Whether the index has no room for another {@link #put}. */
    public boolean full() {
        return versions >= capacity;
    }
}
