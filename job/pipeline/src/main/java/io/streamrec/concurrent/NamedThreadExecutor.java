package io.streamrec.concurrent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors on daemon threads named for what they do: the stage CPU profile (the benchmarks' {@code
 * StageCpuSampler}) counts a thread by its name, and a daemon thread does not keep a JVM alive
 * after a task that did not close it. Most run on one thread of their own; {@link #sharedPool}
 * serves many tasks.
 */
public final class NamedThreadExecutor {
    private NamedThreadExecutor() {}

    /** A single-thread executor whose thread is a daemon named {@code name}. */
    public static ExecutorService of(String name) {
        return Executors.newSingleThreadExecutor(daemon(name));
    }

    /**
     * A single-thread executor that keeps at most one task waiting, the newest: a task submitted
     * while another waits replaces it (the waiting one never runs), so work whose latest result
     * supersedes the earlier ones cannot pile up behind a slow task.
     */
    public static ExecutorService newestOnly(String name) {
        return new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(1),
                daemon(name),
                new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    /**
     * An executor on at most {@code threads} daemon threads named {@code name} and a number, the
     * rest of its tasks queued in order, for work many operators share and nobody shuts down: its
     * threads end after {@code idleSeconds} without work and carry this class's loader as their
     * context loader. On a cluster that is the job's user-code loader (the class is in the job
     * jar), so after a cancel they hold it until their work ends and that long again.
     */
    public static ThreadPoolExecutor sharedPool(String name, int threads, long idleSeconds) {
        AtomicInteger made = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        idleSeconds,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t = daemon(name + " " + made.getAndIncrement()).newThread(r);
                            t.setContextClassLoader(NamedThreadExecutor.class.getClassLoader());
                            return t;
                        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
