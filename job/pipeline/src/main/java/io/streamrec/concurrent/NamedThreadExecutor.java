package io.streamrec.concurrent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Executors on one daemon thread of their own, named for what the thread does: the stage CPU
 * profile (the benchmarks' {@code StageCpuSampler}) counts a thread by its name, and a daemon
 * thread does not keep a JVM alive after a task that did not close it.
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

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
