package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Serving subtasks' statistics rebuilds take turns on the JVM's queue instead of running at once.
 */
class StatisticsRebuildsTest {

    @Test
    void oneThreadPerTwoCoresAndAtLeastOne() {
        assertThat(StatisticsRebuilds.threadsFor(1)).isEqualTo(1);
        assertThat(StatisticsRebuilds.threadsFor(2)).isEqualTo(1);
        assertThat(StatisticsRebuilds.threadsFor(3)).isEqualTo(1);
        assertThat(StatisticsRebuilds.threadsFor(16)).isEqualTo(8);
    }

    @Test
    void rebuildsOnOneThreadRunOneAfterAnotherInTheOrderGiven() throws Exception {
        StatisticsRebuilds rebuilds = new StatisticsRebuilds(1);
        try {
            ThreadPoolExecutor executor = rebuilds.executor();
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            CountDownLatch allDone = new CountDownLatch(3);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 3; i++) {
                int rebuild = i;
                executor.execute(
                        () -> {
                            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                            order.add(rebuild);
                            if (rebuild == 0) {
                                firstStarted.countDown();
                                await(releaseFirst);
                            }
                            running.decrementAndGet();
                            allDone.countDown();
                        });
            }
            assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            // the first holds the only thread: the other two wait in the queue, not beside it
            assertThat(executor.getQueue()).hasSize(2);
            assertThat(executor.getActiveCount()).isEqualTo(1);
            releaseFirst.countDown();
            assertThat(allDone.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(mostAtOnce.get()).isEqualTo(1);
            assertThat(order).containsExactly(0, 1, 2);
        } finally {
            rebuilds.shutdownNow();
        }
    }

    @Test
    void itsThreadsAreDaemonsSetToEndWhenIdle() throws Exception {
        StatisticsRebuilds rebuilds = new StatisticsRebuilds(1);
        try {
            ThreadPoolExecutor executor = rebuilds.executor();
            assertThat(executor.allowsCoreThreadTimeOut()).isTrue();
            assertThat(executor.getKeepAliveTime(TimeUnit.SECONDS))
                    .isEqualTo(StatisticsRebuilds.IDLE_SECONDS);
            CountDownLatch ran = new CountDownLatch(1);
            boolean[] daemon = new boolean[1];
            String[] name = new String[1];
            ClassLoader[] loader = new ClassLoader[1];
            executor.execute(
                    () -> {
                        daemon[0] = Thread.currentThread().isDaemon();
                        name[0] = Thread.currentThread().getName();
                        loader[0] = Thread.currentThread().getContextClassLoader();
                        ran.countDown();
                    });
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon[0]).isTrue();
            // the benchmarks' CPU profile counts it under serving by its name
            assertThat(name[0]).startsWith("serving statistics rebase");
            // not the context loader of the task that started it: an idle thread holds no task's
            assertThat(loader[0]).isSameAs(StatisticsRebuilds.class.getClassLoader());
        } finally {
            rebuilds.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
