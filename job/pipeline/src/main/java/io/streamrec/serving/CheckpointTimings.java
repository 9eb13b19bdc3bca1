package io.streamrec.serving;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint's work on serving's task thread, by phase, until its snapshot logs it when slow:
 * requests that serving reads itself wait for all of it but the queue and the wait for the scoring
 * thread, which answer them.
 */
final class CheckpointTimings {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointTimings.class);

    /** A checkpoint's task-thread work that is logged by phase. */
    static final long SLOW_CHECKPOINT_MS = 50;

    /** The phases in the order they run; the last two are parts of the snapshot. */
    enum Phase {
        /** The queue run whole before the barrier. */
        QUEUE,
        /** The wait for the scoring thread. */
        SCORING_WAIT,
        /** The feeds' poll. */
        FEEDS,
        /** Taking the eval report. */
        REPORT,
        /** Within the snapshot, the learned ranker's write. */
        RANKER,
        /** Within the snapshot, the candidate statistics' write. */
        STATISTICS
    }

    private final int subtask;
    private final long[] nanos = new long[Phase.values().length];

    /** Requests read directly that the wait for the scoring thread took. */
    private int requestsTakenWaitingForScoring;

    CheckpointTimings(int subtask) {
        this.subtask = subtask;
    }

    void record(Phase phase, long elapsedNanos) {
        nanos[phase.ordinal()] = elapsedNanos;
    }

    void addRequestsTakenWaitingForScoring(int requests) {
        requestsTakenWaitingForScoring += requests;
    }

    /**
     * Logs checkpoint {@code checkpointId} by phase if its work before the barrier and its snapshot
     * ({@code snapshotNanos}, the ranker's and statistics' writes within) took over {@link
     * #SLOW_CHECKPOINT_MS}; then starts over for the next checkpoint. Returns whether it logged.
     */
    boolean logIfSlow(long checkpointId, long snapshotNanos) {
        long total =
                nanos(Phase.QUEUE)
                        + nanos(Phase.SCORING_WAIT)
                        + nanos(Phase.FEEDS)
                        + nanos(Phase.REPORT)
                        + snapshotNanos;
        boolean slow = total > SLOW_CHECKPOINT_MS * 1_000_000L;
        if (slow) {
            LOG.info(
                    "Serving {} spent {} ms of checkpoint {} on its task thread: queue run whole {}"
                            + " ms, waiting for the scoring thread {} ms ({} requests taken"
                            + " meanwhile), feeds {} ms, report {} ms, snapshot {} ms (ranker {}"
                            + " ms, statistics {} ms)",
                    subtask,
                    total / 1_000_000,
                    checkpointId,
                    nanos(Phase.QUEUE) / 1_000_000,
                    nanos(Phase.SCORING_WAIT) / 1_000_000,
                    requestsTakenWaitingForScoring,
                    nanos(Phase.FEEDS) / 1_000_000,
                    nanos(Phase.REPORT) / 1_000_000,
                    snapshotNanos / 1_000_000,
                    nanos(Phase.RANKER) / 1_000_000,
                    nanos(Phase.STATISTICS) / 1_000_000);
        }
        Arrays.fill(nanos, 0);
        requestsTakenWaitingForScoring = 0;
        return slow;
    }

    private long nanos(Phase phase) {
        return nanos[phase.ordinal()];
    }
}
