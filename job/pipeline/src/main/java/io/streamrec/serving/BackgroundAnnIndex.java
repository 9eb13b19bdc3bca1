package io.streamrec.serving;

import io.streamrec.concurrent.NamedThreadExecutor;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ItemAnnIndex} kept in step with a serving replica and built off the task thread: a
 * build (minutes at a million items) runs on the builder executor from a copy of the item vectors,
 * and the finished index is swapped in by the thread that serves, on its next request. Until then
 * {@link #current} answers null and requests are answered by the exact scan. Items whose rows
 * change are re-put into the ready index a few thousand per request; once the index has no room
 * left, a new one is built in the background while the full one keeps serving.
 *
 * <p>Not thread-safe: one serving thread calls it; only the build runs elsewhere, on data of its
 * own, and hands its result over through a {@link CompletableFuture}.
 */
final class BackgroundAnnIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundAnnIndex.class);

    /** Changed items re-put per request, spreading the cost. */
    private static final int PUTS_PER_REQUEST = 5000;

    private final int d;
    private final Executor builder;
    private final ExecutorService ownBuilder;
    private final int buildThreads;

    /** The index requests use; null until the first build finished. */
    private ItemAnnIndex ready;

    /** The build in flight, or null. */
    private CompletableFuture<ItemAnnIndex> building;

    /** After a failed build, no other starts before this {@code System.nanoTime()}. */
    private long nextBuildNanos;

    /** How long after a failed build the next may start. */
    static final long RETRY_NANOS = 60_000_000_000L;

    /** Items whose row changed since they were put into {@link #ready} or copied for a build. */
    private final BitSet changed = new BitSet();

    /** Builds on {@code builder}, e.g. {@code Runnable::run} to build on the calling thread. */
    BackgroundAnnIndex(int d, Executor builder) {
        this(d, builder, null);
    }

    private BackgroundAnnIndex(int d, Executor builder, ExecutorService ownBuilder) {
        this.d = d;
        this.builder = builder;
        this.ownBuilder = ownBuilder;
        // half the cores: the task threads, this subtask's among them, keep serving meanwhile
        this.buildThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        this.nextBuildNanos = System.nanoTime(); // nanoTime may be negative: no 0 sentinel
    }

    /** Builds on a daemon thread of its own, stopped by {@link #close}. */
    static BackgroundAnnIndex withBuilderThread(int d) {
        ExecutorService thread = NamedThreadExecutor.of("serving-ann-builder");
        return new BackgroundAnnIndex(d, thread, thread);
    }

    /** Marks item i for a re-put: its row changed, or it is new. */
    void itemChanged(int i) {
        changed.set(i);
    }

    /**
     * The index to take candidates from, with changed items re-put, or null while none is ready;
     * starts a build when there is no index or it has no room left.
     *
     * @param items the items of the replica
     * @param vectors the items' score vectors, item i's at {@code i * d}
     * @param statics the items' static terms, whose {@link StaticTerms#bound} the index holds
     */
    ItemAnnIndex current(int items, float[] vectors, StaticTerms statics) {
        takeFinishedBuild();
        if (building == null
                && System.nanoTime() - nextBuildNanos >= 0
                && (ready == null || ready.full())) {
            startBuild(items, vectors, statics);
            takeFinishedBuild(); // a builder that runs on the calling thread is done already
        }
        if (ready != null) {
            putChanged(vectors, statics);
        }
        return ready;
    }

    /** Whether a finished index is in use. */
    boolean isReady() {
        return ready != null;
    }

    private void startBuild(int items, float[] vectors, StaticTerms statics) {
        // copied on this thread: the replica keeps changing while the index is built
        float[] vectorsCopy = Arrays.copyOf(vectors, items * d);
        float[] bounds = new float[items];
        for (int i = 0; i < items; i++) {
            bounds[i] = statics.bound(i);
        }
        changed.clear();
        LOG.info("Building the approximate item index of {} items off the task thread", items);
        building =
                CompletableFuture.supplyAsync(
                        () -> build(vectorsCopy, bounds, items, buildThreads), builder);
    }

    private ItemAnnIndex build(float[] vectors, float[] bounds, int items, int threads) {
        long start = System.nanoTime();
        try {
            ItemAnnIndex index = ItemAnnIndex.build(d, vectors, bounds, items, threads);
            LOG.info(
                    "Built the approximate item index of {} items in {} s",
                    items,
                    (System.nanoTime() - start) / 1_000_000_000L);
            return index;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /**
     * Swaps in a finished build. After a failed one the index in use, if any, stays (full, it still
     * serves), the next build waits {@link #RETRY_NANOS}, and meanwhile requests without an index
     * are served exactly; an {@link Error} (out of memory) fails the task, as it would have on the
     * task thread.
     */
    private void takeFinishedBuild() {
        if (building == null || !building.isDone()) {
            return;
        }
        CompletableFuture<ItemAnnIndex> done = building;
        building = null;
        try {
            ready = done.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof Error error) {
                throw error;
            }
            LOG.warn(
                    "Building the approximate item index failed; {} the next try in {} s",
                    ready == null ? "serving stays exact until" : "the full index serves until",
                    RETRY_NANOS / 1_000_000_000L,
                    cause);
            nextBuildNanos = System.nanoTime() + RETRY_NANOS;
        }
    }

    /**
     * Re-puts up to {@link #PUTS_PER_REQUEST} changed items. Global drift of the content tower is
     * not re-indexed: it moves every item a little, and candidates are rescored exactly anyway.
     */
    private void putChanged(float[] vectors, StaticTerms statics) {
        int put = 0;
        for (int i = changed.nextSetBit(0);
                i >= 0 && put < PUTS_PER_REQUEST && !ready.full();
                i = changed.nextSetBit(i + 1)) {
            ready.put(i, vectors, i * d, statics.bound(i));
            changed.clear(i);
            put++;
        }
    }

    @Override
    public void close() {
        if (ownBuilder != null) {
            ownBuilder.shutdownNow();
        }
    }
}
