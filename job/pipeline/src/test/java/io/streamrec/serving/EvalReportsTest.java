package io.streamrec.serving;

import static io.streamrec.serving.ServingOperatorFixture.CATALOG;
import static io.streamrec.serving.ServingOperatorFixture.INIT;
import static io.streamrec.serving.ServingOperatorFixture.MODEL;
import static io.streamrec.serving.ServingOperatorFixture.userRow;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.PrequentialCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EvalReportsTest {
    private final List<String> emitted = new ArrayList<>();

    /** The task's mailbox: the encoder's hand-backs wait here until the test runs them. */
    private final BlockingQueue<Runnable> mailbox = new LinkedBlockingQueue<>();

    private final PrequentialCounts counts = new PrequentialCounts(1);
    private final ServingModel model = new ServingModel(MODEL, INIT, CATALOG);

    private EvalReports onTaskThread() {
        return new EvalReports(EvalReportPublisher.onTaskThread(emitted::add), counts, model, 3);
    }

    private EvalReports offTaskThread() {
        return new EvalReports(offTaskThreadPublisher(), counts, model, 3);
    }

    private EvalReportPublisher offTaskThreadPublisher() {
        return EvalReportPublisher.offTaskThread("test eval report", mailbox::add, emitted::add);
    }

    private EvalReportCodec.Report lastReport() throws Exception {
        return EvalReportCodec.decode(emitted.get(emitted.size() - 1));
    }

    /** Runs the next hand-back, waiting for the encoder to post it. */
    private void runNextMail() throws InterruptedException {
        Runnable mail = mailbox.poll(30, TimeUnit.SECONDS);
        assertThat(mail).as("a hand-back from the encoder").isNotNull();
        mail.run();
    }

    /**
     * A report holds the counts, the serving parallelism, the replica's trained events and version,
     * the throughput (the events trained on, the first's and the latest's time) and the freshness.
     */
    @Test
    void aReportSaysWhatTheSubtaskCountedTrainedOnAndHolds() throws Exception {
        model.apply(userRow("u", 4));
        counts.record(0L, new int[] {0, 1, 2, 3});
        try (EvalReports reports = onTaskThread()) {
            reports.trained(1_000L);
            reports.trained(2_000L);
            reports.trained(5_000L);
            reports.recordFreshness(40L);
            reports.take(false, 1L);

            EvalReportCodec.Report report = lastReport();
            assertThat(report.counts().events()).isEqualTo(1);
            assertThat(report.counts().subtask()).isEqualTo(1);
            assertThat(report.parallelism()).isEqualTo(3);
            assertThat(report.modelVersion()).isEqualTo(model.modelVersion()).isPositive();
            assertThat(report.trainedEvents()).isEqualTo(model.userContributions());
            assertThat(report.throughput())
                    .isEqualTo(new EvalReportCodec.Throughput(3, 1_000L, 5_000L));
            assertThat(report.freshness().count()).isEqualTo(1);
        }
    }

    /**
     * Encoded off the task thread, a report reads a copy of the counts taken at the barrier, and
     * the state of that checkpoint takes the same copy; after it, or for another checkpoint, the
     * state takes a copy of its own.
     */
    @Test
    void offTheTaskThreadTheCheckpointTakesTheCopyItsReportRead() throws Exception {
        try (EvalReports reports = offTaskThread()) {
            counts.record(0L, new int[] {0, 1, 2, 3});
            reports.take(false, 4L);
            counts.record(0L, new int[] {0, 1, 2, 3});
            runNextMail();
            assertThat(lastReport().counts().events()).isEqualTo(1);

            PrequentialCounts atBarrier = reports.countsFor(4L);
            assertThat(atBarrier).isNotSameAs(counts);
            assertThat(atBarrier.events()).isEqualTo(1);
            PrequentialCounts again = reports.countsFor(4L);
            assertThat(again).isNotSameAs(atBarrier).isNotSameAs(counts);
            assertThat(again.events()).isEqualTo(2);

            reports.take(false, 5L);
            runNextMail();
            assertThat(reports.countsFor(6L).events()).as("5 declined").isEqualTo(2);
        }
    }

    /**
     * Encoded off the task thread, a report reads the counts and the freshness as they were when it
     * was taken, however much the task thread records before the encoder gets to it.
     */
    @Test
    void offTheTaskThreadAReportReadsCopiesTakenAtTheBarrier() throws Exception {
        CountDownLatch encoderBusy = new CountDownLatch(1);
        EvalReportPublisher publisher = offTaskThreadPublisher();
        try (EvalReports reports = new EvalReports(publisher, counts, model, 3)) {
            publisher.publish(
                    () -> {
                        awaitUninterruptibly(encoderBusy);
                        return "{}";
                    });
            counts.record(0L, new int[] {0, 1, 2, 3});
            reports.recordFreshness(40L);
            reports.take(false, 4L); // waits for the encoder
            counts.record(0L, new int[] {0, 1, 2, 3});
            reports.recordFreshness(40L);
            encoderBusy.countDown();
            runNextMail();
            runNextMail();

            assertThat(lastReport().counts().events()).isEqualTo(1);
            assertThat(lastReport().freshness().count()).isEqualTo(1);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A report taken at once after the barrier's copy (the end of input) leaves no copy behind: the
     * checkpoint's state takes the counts as they are at its snapshot.
     */
    @Test
    void aReportTakenAtOnceLeavesNoCopyBehind() throws Exception {
        try (EvalReports reports = offTaskThread()) {
            reports.take(false, 4L);
            runNextMail();
            counts.record(0L, new int[] {0, 1, 2, 3});
            reports.take(true, 4L);
            assertThat(lastReport().counts().events()).as("emitted at once").isEqualTo(1);
            counts.record(0L, new int[] {0, 1, 2, 3});

            assertThat(reports.countsFor(4L).events()).isEqualTo(2);
        }
    }

    /** On the task thread a report reads the counts as they are; the state takes a copy. */
    @Test
    void onTheTaskThreadTheCheckpointTakesACopyOfItsOwn() throws Exception {
        try (EvalReports reports = onTaskThread()) {
            reports.take(false, 4L);
            PrequentialCounts forState = reports.countsFor(4L);
            assertThat(forState).isNotSameAs(counts);
            assertThat(reports.countsFor(4L)).isNotSameAs(forState);
        }
    }
}
