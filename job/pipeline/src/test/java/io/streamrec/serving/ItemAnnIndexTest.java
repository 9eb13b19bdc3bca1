package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ItemAnnIndexTest {
    private static final int D = 16;

    /**
     * A build interrupted (its task cancelled) stops adding on every thread it started, not only on
     * the thread that waits: hnswlib's own addAll left its threads adding the rest.
     */
    @Test
    void anInterruptedBuildStopsEveryAdder() throws Exception {
        int items = 200_000;
        float[] v = randomVectors(items, new SplittableRandom(3));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread builder =
                new Thread(
                        () -> {
                            try {
                                ItemAnnIndex.build(D, v, new float[items], items, 2);
                                outcome.set(new AssertionError("the build finished"));
                            } catch (Throwable t) {
                                outcome.set(t);
                            }
                        });
        builder.start();
        awaitAdders(Math.min(2, Runtime.getRuntime().availableProcessors())); // the build's cap
        builder.interrupt();
        builder.join(60_000);

        assertThat(builder.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(liveAdders()).as("adders still running").isZero();
    }

    /**
     * More threads than the host has processors are capped: hnswlib's searches share that many
     * visited sets, and a third adder on two processors deadlocked the build.
     */
    @Test
    @Timeout(120)
    void aBuildOnMoreThreadsThanProcessorsHoldsEveryItemAndFindsTheBestInnerProduct()
            throws Exception {
        int items = 3000;
        float[] v = randomVectors(items, new SplittableRandom(5));
        int threads = Runtime.getRuntime().availableProcessors() + 1;
        ItemAnnIndex index = ItemAnnIndex.build(D, v, new float[items], items, threads);

        assertThat(index.size()).isEqualTo(items);
        float[] q = new float[D];
        q[0] = 1f;
        int best = 0;
        for (int i = 1; i < items; i++) {
            best = v[i * D] > v[best * D] ? i : best;
        }
        assertThat(index.candidates(q, 10)).contains(best);
        assertThat(liveAdders()).isZero();
    }

    private static float[] randomVectors(int items, SplittableRandom random) {
        float[] v = new float[items * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    /** Waits, up to a minute, until {@code n} adders run. */
    private static void awaitAdders(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (liveAdders() < n) {
            assertThat(System.nanoTime()).as("adders started").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static long liveAdders() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ann-indexer-"))
                .count();
    }
}
