package io.streamrec.serving;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the serving subtasks of one JVM (a TaskManager, the MiniCluster) build their statistics'
 * new bases off their task threads ({@link StatisticsJournal#rebasingOn}): a queue served by at
 * most one thread per two cores, so that rebuilds take turns. Every serving subtask applies every
 * event, so their journals grow alike and reach their share at the same checkpoint; with a thread
 * each, two subtasks on two cores replayed their journals at the same moment, each for 1.5-5 s, and
 * freshness climbed while they did (BENCHMARKS, "What a checkpoint costs"). A rebuild that waits
 * its turn only lets its journal grow meanwhile.
 *
 * <p>The threads are daemons and end after {@link #IDLE_SECONDS} without work, so a cancelled job's
 * class loader is not held by an idle one.
 */
final class StatisticsRebuilds {
    static final long IDLE_SECONDS = 30;

    private static final Executor SHARED = new StatisticsRebuilds(threadsFor(cores())).executor;

    private final ThreadPoolExecutor executor;

    /** Rebuilds on at most {@code threads} threads, the rest queued in order. */
    StatisticsRebuilds(int threads) {
        AtomicInteger made = new AtomicInteger();
        executor =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        IDLE_SECONDS,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "serving statistics rebase " + made.getAndIncrement());
                            t.setDaemon(true);
                            return t;
                        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** The JVM's rebuild queue, which every serving subtask in it shares. */
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
