package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.serving.CheckpointTimings.Phase;
import org.junit.jupiter.api.Test;

/** What counts towards a slow checkpoint, and that each checkpoint starts from nothing. */
class CheckpointTimingsTest {
    private static final long MS = 1_000_000L;
    private static final long SLOW = CheckpointTimings.SLOW_CHECKPOINT_MS * MS;

    @Test
    void theWorkBeforeTheBarrierAndTheSnapshotMakeACheckpointSlow() {
        CheckpointTimings timings = new CheckpointTimings(0);
        timings.record(Phase.QUEUE, SLOW / 4);
        timings.record(Phase.SCORING_WAIT, SLOW / 4);
        timings.record(Phase.FEEDS, SLOW / 4);
        timings.record(Phase.REPORT, SLOW / 4);
        assertThat(timings.logIfSlow(1, 0)).isFalse(); // at the bound, not over it

        timings.record(Phase.REPORT, SLOW / 4);
        timings.record(Phase.QUEUE, SLOW / 4);
        assertThat(timings.logIfSlow(2, SLOW / 2 + 1)).isTrue();
    }

    /** The ranker's and statistics' writes are parts of the snapshot's time, not added to it. */
    @Test
    void theSnapshotsPartsAreNotCountedTwice() {
        CheckpointTimings timings = new CheckpointTimings(0);
        timings.record(Phase.RANKER, SLOW);
        timings.record(Phase.STATISTICS, SLOW);
        assertThat(timings.logIfSlow(1, SLOW / 2)).isFalse();
    }

    @Test
    void eachCheckpointStartsFromNothing() {
        CheckpointTimings timings = new CheckpointTimings(0);
        timings.record(Phase.SCORING_WAIT, 2 * SLOW);
        timings.addRequestsTakenWaitingForScoring(3);
        assertThat(timings.logIfSlow(1, 0)).isTrue();
        assertThat(timings.logIfSlow(2, 0)).isFalse();
    }
}
