package io.streamrec.serving;

import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.UserEvent;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Serving's input in the order it runs: a marker batch is evaluated in slices ({@code
 * serving.evaluation-slice}) so that requests are answered between its events, and what arrives
 * meanwhile waits behind it. The operator does the work ({@link Work}) and decides when a slice
 * runs; this class keeps the order:
 *
 * <ul>
 *   <li>a request runs at once, ahead of an unfinished batch and of what is queued behind it,
 *       unless a forget of its user is queued: then it waits behind that forget;
 *   <li>rows and markers run at once only while nothing is evaluated or queued; otherwise they
 *       queue in arrival order (they may carry the unfinished batch's own training);
 *   <li>the batch being evaluated runs to its end before anything queued;
 *   <li>between any two pieces (an event of the batch, a queued update) the work between pieces
 *       runs, so an answer ready meanwhile waits for one piece, not for a slice;
 *   <li>at {@link #MAX_QUEUED} queued updates the queue runs whole at once, so that a slow serving
 *       still backpressures its input.
 * </ul>
 */
final class EvaluationQueue {
    /** Queued updates beyond which the queue runs whole at once (about a second at 200 ev/s). */
    static final int MAX_QUEUED = 10_000;

    /** What the queue runs, on the thread that gives it its input. */
    interface Work {
        /**
         * Applies a row, a request or a copy of a marker; a marker whose batch is to be evaluated
         * is handed back through {@link #evaluateInSlices}.
         */
        void apply(ModelUpdate update);

        /** Evaluates one event of the batch. */
        void evaluate(UserEvent event, String[] userItems);

        /** The batch's last event has been evaluated. */
        void endBatch();

        /** Runs between any two pieces of work. */
        void betweenPieces();
    }

    private final Work work;
    private final long sliceNanos;
    private final LongSupplier nanoClock;

    /** Rows, markers and held requests that arrived while a batch was evaluated, in order. */
    private final ArrayDeque<ModelUpdate> queued = new ArrayDeque<>();

    /** Users with a queued forget marker (copies counted): their requests wait in the queue. */
    private final Map<String, Integer> queuedForgets = new HashMap<>();

    /** The marker batch being evaluated in slices, or null, and its next event. */
    private EvalMarker sliced;

    private int slicedNext;

    /** A queue whose slices last {@code sliceNanos} (0: a slice runs everything). */
    EvaluationQueue(Work work, long sliceNanos) {
        this(work, sliceNanos, System::nanoTime);
    }

    /** As above, telling a slice's end by {@code nanoClock} (a test's steps it). */
    EvaluationQueue(Work work, long sliceNanos, LongSupplier nanoClock) {
        this.work = work;
        this.sliceNanos = sliceNanos;
        this.nanoClock = nanoClock;
    }

    /** Runs {@code update} at once, or queues it, by the rules of this class. */
    void offer(ModelUpdate update) {
        boolean waits =
                update.isRequest() ? hasQueuedForget(update.request().request().userId()) : busy();
        if (waits) {
            enqueue(update);
        } else {
            work.apply(update);
        }
    }

    /**
     * Evaluates {@code batch}'s events, from the next slice on, before anything queued; an empty
     * batch ends at once.
     */
    void evaluateInSlices(EvalMarker batch) {
        sliced = batch;
        slicedNext = 0;
        if (batch.events().isEmpty()) {
            endBatch();
        }
    }

    /** Whether a marker batch is being evaluated or work is queued behind one. */
    boolean busy() {
        return sliced != null || !queued.isEmpty();
    }

    /** Whether a forget of {@code userId} waits in the queue. */
    boolean hasQueuedForget(String userId) {
        return queuedForgets.containsKey(userId);
    }

    /** Runs the work for one slice: at least one piece, while some is left. */
    void runSlice() {
        runUntil(sliceNanos == 0 ? Long.MAX_VALUE : nanoClock.getAsLong() + sliceNanos);
    }

    /** Runs all the work, the batch's events then the queue in order, until none is left. */
    void runAll() {
        runUntil(Long.MAX_VALUE);
    }

    private void enqueue(ModelUpdate update) {
        queued.add(update);
        if (isForget(update)) {
            queuedForgets.merge(update.marker().forgetUser(), 1, Integer::sum);
        }
        if (queued.size() >= MAX_QUEUED) {
            runAll();
        }
    }

    /** The marker batch's next events, then the queue in order, until {@code deadline}. */
    private void runUntil(long deadline) {
        while (busy()) {
            if (sliced != null) {
                work.evaluate(sliced.events().get(slicedNext), sliced.userItems().get(slicedNext));
                if (++slicedNext == sliced.events().size()) {
                    endBatch();
                }
            } else {
                ModelUpdate next = queued.poll();
                if (isForget(next)) {
                    // counted out before it runs: what its application answers must not wait on it
                    queuedForgets.computeIfPresent(
                            next.marker().forgetUser(), (u, n) -> n == 1 ? null : n - 1);
                }
                work.apply(next);
            }
            work.betweenPieces();
            if (deadline != Long.MAX_VALUE && nanoClock.getAsLong() >= deadline) {
                return;
            }
        }
    }

    private void endBatch() {
        sliced = null;
        work.endBatch();
    }

    private static boolean isForget(ModelUpdate update) {
        return update.isMarker() && update.marker().isForget();
    }
}
