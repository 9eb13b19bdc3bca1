package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ranker's second half on a thread of its own: same results, in order, on the owner. */
class ScoringStageTest {
    private static final long START = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;

    private static CandidateRanker ranker() {
        CandidateGenerator statistics =
                new CandidateGenerator(CandidateSettings.defaults(), ItemCatalog.empty());
        return new CandidateRanker(
                statistics,
                new CandidateFeatures(statistics),
                new ListwiseScorer(Feature.COUNT, ScorerSettings.defaults(), Device.cpu())
                        .withItemInteraction(ItemInteraction.Settings.defaults(5)));
    }

    /** Users who take items of a small catalog, popular ones more often, in time order. */
    private static List<UserEvent> stream() {
        Random random = new Random(11);
        List<UserEvent> events = new ArrayList<>();
        for (int e = 0; e < 900; e++) {
            String user = "u" + random.nextInt(60);
            String item = "i" + (int) Math.floor(40 * Math.pow(random.nextDouble(), 2));
            events.add(
                    new UserEvent(
                            "e" + e, user, item, EventType.CLICK, Float.NaN, START + e * MINUTE));
        }
        return events;
    }

    /**
     * Every event's ranking, every request's and the scorer's weights after the stream: the order
     * of work on the statistics and the scorer is what it was on one thread, so the scores are
     * equal to the last bit.
     */
    private static List<String> run(CandidateRanker ranker, ScoringStage stage)
            throws InterruptedException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (UserEvent e : stream()) {
            CandidateRanker.Prepared p =
                    n % 3 == 0
                            ? ranker.prepareLearning(e, null)
                            : ranker.prepareRanking(
                                    e,
                                    ranker.statistics().candidates(e.userId(), e.timestamp()),
                                    null);
            stage.submit(() -> ranker.complete(p), r -> out.add(text(r)));
            if (n % 7 == 0) {
                CandidateRanker.Prepared request =
                        ranker.prepareRecommendation(e.userId(), e.timestamp(), null);
                stage.submit(() -> ranker.complete(request), r -> out.add("request " + text(r)));
            }
            if (++n % 16 == 0) {
                stage.run(ranker::endBatch);
            }
        }
        stage.awaitIdle();
        out.add(Arrays.toString(ranker.scorer().parameters()));
        return out;
    }

    private static String text(RankedCandidates ranked) {
        if (ranked == null) {
            return "learned";
        }
        StringBuilder s = new StringBuilder();
        List<String> top = ranked.top(ranked.size());
        for (int i = 0; i < top.size(); i++) {
            s.append(top.get(i)).append('=').append(ranked.score(i)).append(' ');
        }
        return s.toString();
    }

    @Test
    void aRankerOnItsOwnThreadRanksAndLearnsExactlyAsInline() throws Exception {
        List<String> inline;
        try (CandidateRanker ranker = ranker();
                ScoringStage stage = ScoringStage.inline()) {
            inline = run(ranker, stage);
        }
        List<String> threaded;
        try (CandidateRanker ranker = ranker();
                ScoringStage stage = ScoringStage.onThread("scoring", 8, () -> {})) {
            threaded = run(ranker, stage);
        }
        assertThat(inline).hasSizeGreaterThan(900);
        assertThat(inline.stream().filter(s -> s.contains("="))).hasSizeGreaterThan(500);
        assertThat(threaded).containsExactlyElementsOf(inline);
    }

    @Test
    void resultsComeBackInOrderOnTheOwnersThreadWhenItTakesThem() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        CountDownLatch woken = new CountDownLatch(1);
        Thread owner = Thread.currentThread();
        List<Integer> results = new ArrayList<>();
        try (ScoringStage stage =
                ScoringStage.onThread(
                        "scoring",
                        1000,
                        () -> {
                            wakes.incrementAndGet();
                            woken.countDown();
                        })) {
            CountDownLatch release = new CountDownLatch(1);
            stage.submit(
                    () -> {
                        release.await();
                        return -1;
                    },
                    r -> {});
            for (int i = 0; i < 100; i++) {
                int value = i;
                stage.submit(
                        () -> value,
                        r -> {
                            assertThat(Thread.currentThread()).isSameAs(owner);
                            results.add(r);
                        });
            }
            assertThat(stage.inFlight()).isEqualTo(101);
            release.countDown();
            assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(results).isEmpty(); // nothing runs on the owner until it takes it
            stage.awaitIdle();
            assertThat(results).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(results.get(i)).isEqualTo(i);
            }
            assertThat(stage.inFlight()).isZero();
            // one wake until the owner takes the results, however many came
            assertThat(wakes.get()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void theOwnerWaitsWhileTheStageHoldsAsMuchAsItMay() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScoringStage stage = ScoringStage.onThread("scoring", 2, () -> {})) {
            stage.submit(
                    () -> {
                        release.await();
                        return 0;
                    },
                    r -> {});
            stage.submit(() -> 1, r -> {});
            Thread third =
                    new Thread(
                            () -> {
                                try {
                                    stage.submit(() -> 2, r -> {});
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            third.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (third.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(third.getState()).isEqualTo(Thread.State.WAITING);
            assertThat(third.isAlive()).isTrue();
            release.countDown();
            third.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(third.isAlive()).isFalse();
        }
    }

    /** Work that gives {@code result} once {@code release} opens, then adds it to {@code to}. */
    private static void submitReleasedBy(
            ScoringStage stage, CountDownLatch release, String result, List<String> to)
            throws InterruptedException {
        stage.submit(
                () -> {
                    release.await();
                    return result;
                },
                to::add);
    }

    /**
     * A checkpoint's wait answers requests that arrive meanwhile: each wake-up that comes while
     * work given before the wait is still out runs {@code meanwhile}, whose own work is waited for;
     * a wake-up after that work is handed over runs nothing.
     */
    @Test
    @Timeout(30) // a wait that never ran meanwhile would hold the earlier work for ever
    void aWaitRunsWhatWakesItOnlyWhileEarlierWorkIsOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> results = new ArrayList<>();
        AtomicInteger meanwhileRuns = new AtomicInteger();
        try (ScoringStage stage = ScoringStage.onThread("scoring", 4, () -> {})) {
            submitReleasedBy(stage, release, "earlier", results);
            stage.wakeWaiter(); // a request handed over before the wait looked
            stage.awaitIdle(
                    () -> {
                        meanwhileRuns.incrementAndGet();
                        assertThat(results).as("the earlier work is still out").isEmpty();
                        try {
                            stage.submit(
                                    () -> {
                                        stage.wakeWaiter(); // after the earlier work's result
                                        return "taken meanwhile";
                                    },
                                    results::add);
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        release.countDown();
                    });
            assertThat(results).containsExactly("earlier", "taken meanwhile");
            assertThat(meanwhileRuns.get()).isEqualTo(1);
            assertThat(stage.inFlight()).isZero();
        }
    }

    /**
     * A wake-up a full stage's {@code submit} passes over inside {@code meanwhile} is itself a
     * request handed over: with earlier work still out, the wait runs {@code meanwhile} again for
     * it, though no later wake-up comes.
     */
    @Test
    @Timeout(30) // a lost wake-up would leave the second earlier piece waiting for ever
    void aWakeUpPassedOverInsideMeanwhileIsNotLost() throws Exception {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        List<String> results = new ArrayList<>();
        AtomicInteger meanwhileRuns = new AtomicInteger();
        try (ScoringStage stage = ScoringStage.onThread("scoring", 2, () -> {})) {
            submitReleasedBy(stage, releaseFirst, "first", results);
            submitReleasedBy(stage, releaseSecond, "second", results);
            stage.wakeWaiter();
            stage.awaitIdle(
                    () -> {
                        if (meanwhileRuns.incrementAndGet() == 1) {
                            stage.wakeWaiter(); // a second request, queued ahead of "first"
                            releaseFirst.countDown();
                            try {
                                // the stage is full: submit passes that wake-up, then "first"
                                stage.submit(() -> "taken meanwhile", results::add);
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        } else {
                            releaseSecond.countDown();
                        }
                    });
            assertThat(meanwhileRuns.get()).isEqualTo(2);
            assertThat(stage.inFlight()).isZero();
        }
    }

    /** Wake-ups nobody waits for are not results: they neither count nor end a wait early. */
    @Test
    @Timeout(30)
    void wakeUpsWithoutAWaitHandOverNothing() throws Exception {
        List<Integer> results = new ArrayList<>();
        try (ScoringStage stage = ScoringStage.onThread("scoring", 1, () -> {})) {
            stage.wakeWaiter();
            stage.deliverReady();
            assertThat(stage.inFlight()).isZero();
            stage.wakeWaiter();
            stage.wakeWaiter();
            stage.submit(() -> 1, results::add);
            stage.submit(() -> 2, results::add); // waits for the first result, past the wakes
            stage.awaitIdle();
            assertThat(results).containsExactly(1, 2);
            assertThat(stage.inFlight()).isZero();
        }
    }

    @Test
    void aFailureOnTheStagesThreadReachesTheOwner() throws Exception {
        try (ScoringStage stage = ScoringStage.onThread("scoring", 4, () -> {})) {
            stage.submit(
                    () -> {
                        throw new ArithmeticException("broken scorer");
                    },
                    r -> {});
            assertThatThrownBy(stage::awaitIdle)
                    .isInstanceOf(IllegalStateException.class)
                    .hasRootCauseInstanceOf(ArithmeticException.class)
                    .hasRootCauseMessage("broken scorer");
            assertThat(stage.inFlight()).isZero();
        }
    }

    /**
     * An out-of-memory error in the work is a failure the owner gets, not a result it waits for (a
     * regression test: the stage caught it before its results' holders were made up front too).
     */
    @Test
    @Timeout(30)
    void anErrorInTheWorkReachesTheOwner() throws Exception {
        try (ScoringStage stage = ScoringStage.onThread("scoring", 1, () -> {})) {
            stage.submit(
                    () -> {
                        throw new OutOfMemoryError("scorer's batch");
                    },
                    r -> {});
            assertThatThrownBy(stage::awaitIdle)
                    .isInstanceOf(IllegalStateException.class)
                    .hasRootCauseInstanceOf(OutOfMemoryError.class);
        }
    }

    /**
     * A wake-up that failed on its way to the owner (a Flink mail that could not be made) leaves
     * the result for the owner's next look, and the next result wakes the owner again: a failed
     * wake-up once silenced every later one.
     */
    @Test
    @Timeout(30)
    void aWakeUpThatFailedDoesNotSilenceTheNextOnes() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        CountDownLatch firstWakeFailed = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        List<Integer> results = new ArrayList<>();
        Runnable wakeOwner =
                () -> {
                    if (wakes.incrementAndGet() == 1) {
                        firstWakeFailed.countDown();
                        throw new OutOfMemoryError("no room for the mail");
                    }
                    woken.countDown();
                };
        try (ScoringStage stage = ScoringStage.onThread("scoring", 2, wakeOwner)) {
            stage.submit(() -> 1, results::add);
            assertThat(firstWakeFailed.await(20, TimeUnit.SECONDS)).isTrue();
            stage.deliverReady(); // the owner's own look finds the result all the same
            assertThat(results).containsExactly(1);
            stage.submit(() -> 2, results::add);
            assertThat(woken.await(20, TimeUnit.SECONDS)).isTrue();
            stage.deliver();
            assertThat(results).containsExactly(1, 2);
        }
    }

    /**
     * Stopping waits for the piece of work running (the scorer's native memory is released only
     * after), drops what is queued, and a wake-up that comes later hands nothing over.
     */
    @Test
    void stoppingWaitsForTheRunningWorkAndDropsTheRest() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger ended = new AtomicInteger();
        AtomicInteger queuedRan = new AtomicInteger();
        List<Integer> handed = new ArrayList<>();
        ScoringStage stage = ScoringStage.onThread("scoring", 4, () -> {});
        stage.submit(
                () -> {
                    running.countDown();
                    try {
                        never.await(); // until the stop interrupts it
                    } finally {
                        ended.incrementAndGet();
                    }
                    return 0;
                },
                handed::add);
        stage.submit(queuedRan::incrementAndGet, handed::add);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(stage.stop()).isTrue();

        assertThat(ended.get()).as("the running work ended before stop returned").isEqualTo(1);
        assertThat(queuedRan.get()).as("the queued work never ran").isZero();
        stage.deliver();
        assertThat(handed).isEmpty();
        assertThatThrownBy(() -> stage.submit(() -> 1, r -> {}))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(stage.inFlight()).isEqualTo(2); // the submissions before the stop
    }

    @Test
    void inlineWorkRunsAtOnce() throws Exception {
        List<Integer> results = new ArrayList<>();
        try (ScoringStage stage = ScoringStage.inline()) {
            stage.submit(() -> 7, results::add);
            assertThat(results).containsExactly(7);
            assertThat(stage.inFlight()).isZero();
            assertThat(stage.threaded()).isFalse();
        }
    }
}
