package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RunCheckpoint;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;

class RunLineageTest {
    private static final JobID A = new JobID(1L, 1L);
    private static final JobID B = new JobID(2L, 2L);
    private static final JobID C = new JobID(3L, 3L);

    private static ParameterRow row(RunCheckpoint stamp) {
        ParameterRow row = new ParameterRow("i:1", new float[] {1f}, new float[0], 1, 1, 0, 0f, 0L);
        return stamp == null ? row : row.stamped(stamp);
    }

    private static boolean accepts(RunLineage lineage, JobID job, long checkpoint) {
        return lineage.accepts(row(new RunCheckpoint(job, checkpoint)));
    }

    @Test
    void aFreshRunTakesItsOwnAndUnstampedRowsOnly() {
        RunLineage fresh = RunLineage.of(B, List.of(), false);
        assertThat(fresh.restoredFromAnotherRun()).isFalse();
        assertThat(fresh.accepts(row(null))).isTrue();
        assertThat(accepts(fresh, B, 1_000L)).isTrue();
        assertThat(accepts(fresh, A, 1L)).as("a run the state does not descend from").isFalse();
    }

    @Test
    void anEarlierRunCountsUpToTheRestoredCheckpoint() {
        // B restored A's checkpoint 5
        RunLineage b = RunLineage.of(B, List.of(new RunCheckpoint(A, 5L)), true);
        assertThat(b.restoredFromAnotherRun()).isTrue();
        assertThat(accepts(b, A, 5L)).isTrue();
        assertThat(accepts(b, A, 6L)).as("A's abandoned checkpoint 6").isFalse();
        assertThat(accepts(b, B, 6L)).isTrue();
        assertThat(b.entries(8L))
                .containsExactly(new RunCheckpoint(A, 5L), new RunCheckpoint(B, 8L));

        // C restored B's checkpoint 8: the lineage goes back through B to A
        RunLineage c = RunLineage.of(C, b.entries(8L), true);
        assertThat(accepts(c, A, 5L)).isTrue();
        assertThat(accepts(c, A, 6L)).isFalse();
        assertThat(accepts(c, B, 8L)).isTrue();
        assertThat(accepts(c, B, 9L)).isFalse();
        assertThat(c.accepts(row(null))).as("unknown lineage: accepted").isTrue();
    }

    @Test
    void aSnapshotKeepsTheLatestEarlierRuns() {
        // a chain of restores, each from the run before: run r restored run r - 1's checkpoint r
        List<RunCheckpoint> stored = List.of();
        List<JobID> runs = new ArrayList<>();
        for (int r = 0; r < RunLineage.MAX_EARLIER_RUNS + 3; r++) {
            JobID run = new JobID(100L + r, r);
            runs.add(run);
            stored = RunLineage.of(run, stored, r > 0).entries(r + 1L);
        }
        // the last run's snapshot: its MAX_EARLIER_RUNS predecessors, oldest first, then itself
        assertThat(stored).hasSize(RunLineage.MAX_EARLIER_RUNS + 1);
        List<RunCheckpoint> expected = new ArrayList<>();
        for (int r = runs.size() - 1 - RunLineage.MAX_EARLIER_RUNS; r < runs.size(); r++) {
            expected.add(new RunCheckpoint(runs.get(r), r + 1L));
        }
        assertThat(stored).containsExactlyElementsOf(expected);

        // a restore of it takes each kept run's rows up to its checkpoint, none of the dropped's
        RunLineage next = RunLineage.of(new JobID(), stored, true);
        int last = runs.size() - 1;
        assertThat(accepts(next, runs.get(last), last + 1L)).isTrue();
        assertThat(accepts(next, runs.get(last), last + 2L)).isFalse();
        // the snapshot held its predecessor's ten and itself: a restore keeps the latest ten
        int oldestKept = last - RunLineage.MAX_EARLIER_RUNS + 1;
        assertThat(accepts(next, runs.get(oldestKept), oldestKept + 1L)).isTrue();
        assertThat(accepts(next, runs.get(oldestKept - 1), oldestKept))
                .as("a run further back than the bound")
                .isFalse();
        assertThat(next.entries(1L)).hasSize(RunLineage.MAX_EARLIER_RUNS + 1);
    }

    @Test
    void aFailoverWithinTheRunKeepsItsLineage() {
        RunLineage b = RunLineage.of(B, List.of(new RunCheckpoint(A, 5L)), true);
        // union list state: every subtask's copy
        List<RunCheckpoint> stored = new ArrayList<>(b.entries(8L));
        stored.addAll(b.entries(8L));
        RunLineage again = RunLineage.of(B, stored, true);
        assertThat(again.restoredFromAnotherRun()).isFalse();
        assertThat(accepts(again, B, 9L)).as("this run's later rows were never committed").isTrue();
        assertThat(accepts(again, A, 6L)).isFalse();
        assertThat(again.entries(9L))
                .containsExactly(new RunCheckpoint(A, 5L), new RunCheckpoint(B, 9L));
    }

    @Test
    void stateWithoutALineageIsFromAnotherRun() {
        assertThat(RunLineage.of(B, List.of(), true).restoredFromAnotherRun()).isTrue();
    }

    @Test
    void theFilterCountsDroppedRows() {
        RunLineage b = RunLineage.of(B, List.of(new RunCheckpoint(A, 5L)), true);
        List<ParameterRow> taken = new ArrayList<>();
        var sink = b.filter(taken::add);
        sink.accept(row(new RunCheckpoint(A, 5L)));
        sink.accept(row(new RunCheckpoint(A, 6L)));
        sink.accept(row(null));
        assertThat(taken).hasSize(2);
        assertThat(b.abandonedRows()).isEqualTo(1);
    }

    /**
     * A row the parameter server evicted before an attempt's first flush is labelled after every
     * snapshot and may sit in a transaction before the restored checkpoint's: it is no evidence
     * that the restored checkpoint's transaction was committed.
     */
    @Test
    void aRowEvictedBeforeTheFirstFlushIsNotCarriedByTheRestoredCheckpoint() {
        RunLineage b = RunLineage.of(B, List.of(new RunCheckpoint(B, 7L)), true);
        assertThat(b.carriedByRestoredCheckpoint(row(new RunCheckpoint(B, 7L)))).isTrue();
        assertThat(b.carriedByRestoredCheckpoint(row(new RunCheckpoint(B, 6L)))).isFalse();
        assertThat(
                        b.carriedByRestoredCheckpoint(
                                row(new RunCheckpoint(B, RowWriteBackCache.AFTER_EVERY_SNAPSHOT))))
                .isFalse();
    }
}
