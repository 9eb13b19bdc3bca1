package io.streamrec.serving;

import io.streamrec.concurrent.NamedThreadExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Where a job's serving subtasks in one TaskManager (or the MiniCluster) build their statistics'
 * new bases off their task threads ({@link StatisticsJournal#rebasingOn}): a queue served by at
 * most one thread per two cores, so that rebuilds take turns. Every serving subtask applies every
 * event, so their journals grow alike and reach their share at the same checkpoint; with a thread
 * each, two subtasks on two cores replayed their journals at the same moment, each for 1.6-5 s of
 * wall time, and in one run freshness climbed while they did (BENCHMARKS, "What a checkpoint
 * costs"). A rebuild that waits its turn only lets its journal grow meanwhile (at twice its share
 * the task thread writes the base itself).
 *
 * <p>One queue per class loader: on a cluster the job's user-code class loader, so per job and
 * TaskManager. Its threads end after {@link #IDLE_SECONDS} without work ({@link
 * NamedThreadExecutor#sharedPool}).
 */
final class StatisticsRebuilds {
    static final long IDLE_SECONDS = 30;

    private static final Executor SHARED = new StatisticsRebuilds(threadsFor(cores())).executor;

    private final ThreadPoolExecutor executor;

    /** Rebuilds on at most {@code threads} threads, the rest queued in order. */
    StatisticsRebuilds(int threads) {
        executor =
                NamedThreadExecutor.sharedPool("serving statistics rebase", threads, IDLE_SECONDS);
    }

    /** The rebuild queue every serving subtask of this class loader shares. */
    static Executor shared() {
        return SHARED;
    }

    /** One thread per two cores, at least one. */
    static int threadsFor(int cores) {
        return Math.max(1, cores / 2);
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** This queue's executor, for a test. */
    ThreadPoolExecutor executor() {
        return executor;
    }

    /** Stops this queue's threads; for a test (the shared queue's threads end when idle). */
    void shutdownNow() {
        executor.shutdownNow();
    }
}
