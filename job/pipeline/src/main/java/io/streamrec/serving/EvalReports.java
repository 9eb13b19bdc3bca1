package io.streamrec.serving;

import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.PrequentialCounts;

/**
 * A serving subtask's eval reports, one per checkpoint and the last at the end of input: its
 * prequential counts, the replica's trained events and model version, this subtask's throughput and
 * the freshness sample, published through {@link EvalReportPublisher}. A report encoded off the
 * task thread reads copies taken at the barrier, and the checkpoint's state then takes the same
 * copy of the counts ({@link #countsFor}) instead of a second one.
 */
final class EvalReports implements AutoCloseable {
    private final EvalReportPublisher publisher;
    private final PrequentialCounts counts;
    private final ServingModel model;
    private final int parallelism;
    private final LatencyHistogram freshness = new LatencyHistogram();
    private long trainedEvents;
    private long firstTrainedMillis;
    private long lastTrainedMillis;

    /**
     * The counts copied for the report of checkpoint {@link #countsCopiedFor} before its barrier.
     * The encoder thread reads it while the state backend copies it, so nothing may change it after
     * it is taken.
     */
    private PrequentialCounts countsAtBarrier;

    private long countsCopiedFor = -1;

    /**
     * @param counts the subtask's counts, which the evaluation goes on recording into
     * @param parallelism how many serving subtasks report
     */
    EvalReports(
            EvalReportPublisher publisher,
            PrequentialCounts counts,
            ServingModel model,
            int parallelism) {
        this.publisher = publisher;
        this.counts = counts;
        this.model = model;
        this.parallelism = parallelism;
    }

    /** Counts an event of this subtask's users trained on at {@code nowMillis}: the throughput. */
    void trained(long nowMillis) {
        if (trainedEvents++ == 0) {
            firstTrainedMillis = nowMillis;
        }
        lastTrainedMillis = nowMillis;
    }

    /** Adds a sample of how far the replica lags the events it learned from. */
    void recordFreshness(long lagMillis) {
        freshness.record(lagMillis);
    }

    /**
     * Takes the report of the counts now: encoded and emitted at once ({@code atOnce}, or where
     * reports are encoded on the task thread), or encoded from copies on the publisher's thread;
     * checkpoint {@code checkpointId}'s state then takes the same copy of the counts.
     */
    void take(boolean atOnce, long checkpointId) {
        boolean copies = !atOnce && publisher.encodesOffTaskThread();
        countsAtBarrier = null; // one left by a checkpoint declined after its barrier
        PrequentialCounts countsNow = counts;
        LatencyHistogram freshnessNow = freshness;
        if (copies) {
            countsNow = counts.copy();
            countsAtBarrier = countsNow;
            countsCopiedFor = checkpointId;
            freshnessNow = new LatencyHistogram();
            freshnessNow.addAll(freshness);
        }
        EvalReportCodec.Report report =
                new EvalReportCodec.Report(
                        countsNow,
                        parallelism,
                        model.userContributions(),
                        model.modelVersion(),
                        System.currentTimeMillis(),
                        new EvalReportCodec.Throughput(
                                trainedEvents, firstTrainedMillis, lastTrainedMillis),
                        freshnessNow);
        if (atOnce) {
            publisher.publishNow(() -> EvalReportCodec.encode(report));
        } else {
            publisher.publish(() -> EvalReportCodec.encode(report));
        }
    }

    /**
     * The counts checkpoint {@code checkpointId}'s state takes, a copy nothing changes any more:
     * the one its report took before the barrier, or a new one. No copy is kept after it.
     */
    PrequentialCounts countsFor(long checkpointId) {
        boolean copied = countsAtBarrier != null && countsCopiedFor == checkpointId;
        PrequentialCounts forState = copied ? countsAtBarrier : counts.copy();
        countsAtBarrier = null;
        return forState;
    }

    /** Stops encoding; reports still being encoded are not emitted. */
    @Override
    public void close() {
        publisher.close();
    }
}
