package io.streamrec.ranking;

import io.streamrec.concurrent.NamedThreadExecutor;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The ranker's second half ({@link CandidateRanker#complete} and the scorer's steps) on a thread of
 * its own, while the thread that owns the candidate statistics (the owner) prepares the next
 * events: the two halves of consecutive events overlap on two cores. Work runs in the order it was
 * submitted, so the scorer sees exactly the sequence it would see on one thread, and each result is
 * handed back to the owner, in order, when the owner calls {@link #deliver} (or waits in {@link
 * #submit} or {@link #awaitIdle}): results never run on the owner's thread in the middle of other
 * work.
 *
 * <p>{@link #inline()} runs each piece of work at once on the caller's thread, as the ranker ran
 * before this stage existed. Not thread safe: the owner alone calls every method but {@link
 * #wakeWaiter} and {@link #inFlight}.
 */
public final class ScoringStage implements AutoCloseable {
    /**
     * A piece of work's result and what the owner does with it, or the failure. The owner makes it
     * when it submits the work; the stage's thread only fills it in and queues it, allocating
     * nothing: an out-of-memory error there cannot lose the result the owner waits for.
     */
    private static final class Done<T> {
        private final Consumer<T> then;
        private T result;
        private Throwable failure;

        Done(Consumer<T> then) {
            this.then = then;
        }

        void run(Callable<T> work) {
            try {
                result = work.call();
            } catch (Throwable t) {
                failure = t;
            }
        }

        void handOver() {
            if (failure != null) {
                throw new IllegalStateException("the ranker's scoring thread failed", failure);
            }
            then.accept(result);
        }
    }

    /** Not a result: what {@link #wakeWaiter} puts in {@link #done} to wake an owner waiting. */
    private static final Done<Void> WAKE = new Done<>(ignored -> {});

    private final ExecutorService thread;
    private final int maxInFlight;
    private final Runnable wakeOwner;

    /**
     * Results and at most one {@link #WAKE}: bounded by what may be in flight, so that adding to it
     * allocates nothing (see {@link Done}).
     */
    private final BlockingQueue<Done<?>> done;

    private final AtomicBoolean wakePending = new AtomicBoolean();

    /** A wake-up {@link #takeResult} passed over since the owner last ran what it asks for. */
    private boolean wakePassedOver;

    /** Whether a {@link #WAKE} is in {@link #done} not yet taken: one at a time is enough. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    /** The most pieces of work in flight a stage takes: its result queue is allocated whole. */
    public static final int MAX_IN_FLIGHT = 65_536;

    /** The longest {@link #stop} waits for the piece of work running. */
    static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private boolean closed;

    /** Pieces of work handed over since the start (the owner's alone). */
    private long handedOver;

    /** Written by the owner alone; volatile so that a metrics thread reads a recent value. */
    private volatile int inFlight;

    private ScoringStage(ExecutorService thread, int maxInFlight, Runnable wakeOwner) {
        this.thread = thread;
        this.maxInFlight = maxInFlight;
        this.wakeOwner = wakeOwner;
        this.done = new ArrayBlockingQueue<>(maxInFlight + 1);
    }

    /** Runs each piece of work on the caller's thread, at once. */
    public static ScoringStage inline() {
        return new ScoringStage(null, 1, () -> {});
    }

    /**
     * A stage with a thread of its own.
     *
     * @param name the thread's name
     * @param maxInFlight pieces of work submitted and not yet handed back, at most; {@link #submit}
     *     waits beyond it, so the owner cannot run further ahead than this
     * @param wakeOwner called on the stage's thread when results are waiting and no earlier call is
     *     pending: it must make the owner call {@link #deliver} soon (a Flink task: a mail)
     */
    public static ScoringStage onThread(String name, int maxInFlight, Runnable wakeOwner) {
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException(
                    "in flight must be 1.." + MAX_IN_FLIGHT + ": " + maxInFlight);
        }
        return new ScoringStage(NamedThreadExecutor.of(name), maxInFlight, wakeOwner);
    }

    /** Whether work runs on a thread of its own. */
    public boolean threaded() {
        return thread != null;
    }

    /**
     * Runs {@code work} after all work submitted before it; the owner then gets its result in
     * {@code then}, after the results of all earlier work. Waits (handing results over) while as
     * much work as the stage allows is in flight.
     */
    public <T> void submit(Callable<T> work, Consumer<T> then) throws InterruptedException {
        if (thread == null) {
            T result;
            try {
                result = work.call();
            } catch (Exception e) {
                throw new IllegalStateException("the ranker's scoring failed", e);
            }
            then.accept(result);
            return;
        }
        while (inFlight >= maxInFlight) {
            handOver(takeResult());
        }
        Done<T> d = new Done<>(then);
        thread.execute(() -> complete(work, d)); // throws after close: nothing counted
        inFlight++;
    }

    /** Runs {@code work} in order, as {@link #submit} does, with nothing to hand back. */
    public void run(Runnable work) throws InterruptedException {
        submit(
                () -> {
                    work.run();
                    return null;
                },
                ignored -> {});
    }

    private <T> void complete(Callable<T> work, Done<T> d) {
        d.run(work);
        done.add(d);
        if (wakePending.compareAndSet(false, true)) {
            try {
                wakeOwner.run();
            } catch (Throwable t) {
                // not rethrown: it would end this thread, and under memory pressure no new one
                // might start for the work queued. The owner still finds the result at its next
                // look, and the next result wakes it again.
                wakePending.set(false);
            }
        }
    }

    /**
     * Hands over the results that are ready, in order, without waiting; nothing once the stage is
     * closed (a wake-up that comes after the owner closed).
     */
    public void deliver() {
        if (!closed) {
            wakePending.set(false); // a result added from now on wakes the owner again
            deliverReady();
        }
    }

    /**
     * Hands over the results that are ready, as {@link #deliver} does, but leaves a wake-up that is
     * pending as it is: for the owner's own look between two pieces of its work, which would
     * otherwise have the stage wake it once per result. The pending wake-up's {@link #deliver}
     * still comes, so nothing waits for it.
     */
    public void deliverReady() {
        if (closed) {
            return;
        }
        Done<?> d;
        while ((d = done.poll()) != null) {
            if (!isWake(d)) {
                handOver(d);
            }
        }
    }

    /** Waits until every piece of work submitted so far ran and its result was handed over. */
    public void awaitIdle() throws InterruptedException {
        awaitIdle(() -> {});
    }

    /**
     * {@link #awaitIdle}, running {@code meanwhile} on the owner's thread at each {@link
     * #wakeWaiter} that comes while work submitted before this call is still to be handed over.
     * Work {@code meanwhile} submits is waited for as well, but once the earlier work is done, the
     * wait takes nothing new: a steady stream of wake-ups cannot keep it waiting.
     */
    public void awaitIdle(Runnable meanwhile) throws InterruptedException {
        long earlier = handedOver + inFlight; // handed over once the work out now is
        while (inFlight > 0) {
            Done<?> d = done.take();
            if (!isWake(d)) {
                handOver(d);
            } else if (handedOver < earlier) {
                wakePassedOver = false;
                meanwhile.run();
            }
            // a wake-up a full stage's submit passed over (inside meanwhile) is a request too
            while (wakePassedOver && handedOver < earlier) {
                wakePassedOver = false;
                meanwhile.run();
            }
        }
        wakePassedOver = false;
        wakePending.set(false);
    }

    /**
     * Makes an {@link #awaitIdle(Runnable)} in progress run its {@code meanwhile} soon; without a
     * wait in progress it costs the owner one look at a queue entry (one at most however many calls
     * come before the owner looks). Any thread may call it.
     */
    public void wakeWaiter() {
        if (thread != null && wakeQueued.compareAndSet(false, true)) {
            done.add(WAKE);
        }
    }

    /**
     * Whether {@code d} is the wake-up rather than a result; taking it lets the next {@link
     * #wakeWaiter} queue one again, so a wake-up that comes while {@code meanwhile} runs is not
     * lost.
     */
    private boolean isWake(Done<?> d) {
        if (d != WAKE) {
            return false;
        }
        wakeQueued.set(false);
        return true;
    }

    /**
     * The next result, waiting for it; wake-ups on the way are passed over, and remembered for a
     * wait in progress ({@link #awaitIdle(Runnable)}).
     */
    private Done<?> takeResult() throws InterruptedException {
        Done<?> d;
        while (isWake(d = done.take())) {
            wakePassedOver = true;
        }
        return d;
    }

    private void handOver(Done<?> d) {
        inFlight--;
        handedOver++;
        d.handOver();
    }

    /** Pieces of work submitted whose results were not handed over yet (any thread may read). */
    public int inFlight() {
        return inFlight;
    }

    /**
     * Stops the thread; work still queued is dropped (a failing or cancelled task's, or one that
     * waited for it with {@link #awaitIdle} first). Waits for the piece of work running, also when
     * interrupted (the interrupt is kept), for at most {@link #STOP_WAIT}.
     *
     * @return whether the thread stopped: only then may what its work uses be released
     */
    public boolean stop() {
        closed = true;
        if (thread == null) {
            return true;
        }
        thread.shutdownNow();
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return thread.awaitTermination(
                            Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // a cancelled task: still wait for the running step
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #stop}. */
    @Override
    public void close() {
        stop();
    }
}
