package io.streamrec.ps;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RunCheckpoint;
import io.streamrec.schema.SavepointContract.StateNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * The runs an operator's state descends from, which decides the model-updates rows a replica may
 * take. A restore from an older checkpoint (a new submission, so a new JobID) leaves the abandoned
 * run's later rows on the compacted topic, with versions as high as the recomputed ones: a row
 * stamped by an earlier run is taken only up to the checkpoint of that run this state descends
 * from; rows of this run and unstamped rows (written before stamps existed) always are.
 *
 * <p>Kept as operator union list state ({@link StateNames#RUN_LINEAGE}), the same on every subtask:
 * at each snapshot, the earlier runs with their last checkpoint, oldest first, then this run with
 * the snapshotting checkpoint; a restore keeps the latest {@link #MAX_EARLIER_RUNS} earlier runs. A
 * failover within the job restores its latest completed checkpoint; this run's rows of later
 * checkpoints were never committed, so they need no filter.
 *
 * <p>Bounded, so that the lineage does not grow with every deployment: each restore from another
 * run republishes every parameter-server row stamped with the new run ({@code
 * ParameterShardOperator}), so a row of a run further back is needed only where every one of the
 * later runs' republishes was lost (a commit that failed after the broker aborted its transaction,
 * which the connector only counts). Dropping earlier runs at the first completed checkpoint instead
 * would lose the model's rows to a single lost republish.
 */
public final class RunLineage {
    /** The earlier runs a snapshot keeps: the latest ones, each a restore from another run. */
    static final int MAX_EARLIER_RUNS = 10;

    private static final ListStateDescriptor<RunCheckpoint> DESCRIPTOR =
            new ListStateDescriptor<>(StateNames.RUN_LINEAGE, RunCheckpoint.typeInfo());

    private final JobID run;
    private final Map<JobID, Long> earlier;
    private final boolean fromAnotherRun;
    private final RunCheckpoint restoredCheckpoint;
    private final ListState<RunCheckpoint> state;
    private long abandonedRows;

    private RunLineage(
            JobID run,
            Map<JobID, Long> earlier,
            boolean fromAnotherRun,
            RunCheckpoint restoredCheckpoint,
            ListState<RunCheckpoint> state) {
        this.run = run;
        this.earlier = earlier;
        this.fromAnotherRun = fromAnotherRun;
        this.restoredCheckpoint = restoredCheckpoint;
        this.state = state;
    }

    /** Restores the lineage of the operator state in {@code context}; {@code run} is this job. */
    public static RunLineage restore(StateInitializationContext context, JobID run)
            throws Exception {
        ListState<RunCheckpoint> state =
                context.getOperatorStateStore().getUnionListState(DESCRIPTOR);
        RunLineage lineage = of(run, state.get(), context.isRestored());
        return new RunLineage(
                lineage.run,
                lineage.earlier,
                lineage.fromAnotherRun,
                lineage.restoredCheckpoint,
                state);
    }

    /**
     * The lineage of state that stored {@code stored} ({@code restored}: state was restored at
     * all), without operator state to write to: what an audit from outside the job filters the
     * topic with.
     */
    public static RunLineage of(JobID run, Iterable<RunCheckpoint> stored, boolean restored) {
        Map<JobID, Long> earlier = new LinkedHashMap<>();
        boolean ownRun = false;
        RunCheckpoint snapshotting = null;
        for (RunCheckpoint c : stored) {
            // checkpoint ids go on from the restored one across runs, so the snapshotting run's
            // entry is the one with the highest id
            if (snapshotting == null || c.checkpointId() > snapshotting.checkpointId()) {
                snapshotting = c;
            }
            if (c.job().equals(run)) {
                ownRun = true;
            } else {
                // every subtask stores the same entries; keep the lowest should they differ
                earlier.merge(c.job(), c.checkpointId(), Math::min);
            }
        }
        // the latest ones only, oldest first as stored: the predecessor's snapshot holds its own
        // bound and itself, one more than this lineage keeps
        Iterator<JobID> oldest = earlier.keySet().iterator();
        for (int drop = earlier.size() - MAX_EARLIER_RUNS; drop > 0; drop--) {
            oldest.next();
            oldest.remove();
        }
        return new RunLineage(run, earlier, restored && !ownRun, snapshotting, null);
    }

    /**
     * Whether {@code row} is stamped with the restored checkpoint (or a later checkpoint of its
     * run): a row a catch-up read gets only once that checkpoint's transaction is committed. A row
     * evicted before an attempt's first flush is labelled after every snapshot ({@link
     * RowWriteBackCache#AFTER_EVERY_SNAPSHOT}) and may sit in an earlier transaction: not carried.
     */
    public boolean carriedByRestoredCheckpoint(ParameterRow row) {
        RunCheckpoint stamp = row.stamp();
        return restoredCheckpoint != null
                && stamp != null
                && stamp.job().equals(restoredCheckpoint.job())
                && stamp.checkpointId() >= restoredCheckpoint.checkpointId()
                && stamp.checkpointId() != RowWriteBackCache.AFTER_EVERY_SNAPSHOT;
    }

    /** This run's JobID. */
    public JobID run() {
        return run;
    }

    /**
     * Whether state was restored from a snapshot of another run (or of a version without a
     * lineage): the topic may hold rows of runs this state abandoned.
     */
    public boolean restoredFromAnotherRun() {
        return fromAnotherRun;
    }

    /** The stamp of a row of this run carried by (or not later than) {@code checkpointId}. */
    public RunCheckpoint stamp(long checkpointId) {
        return new RunCheckpoint(run, checkpointId);
    }

    /** Whether a model-updates row belongs to this state's history (see the class comment). */
    public boolean accepts(ParameterRow row) {
        RunCheckpoint stamp = row.stamp();
        if (stamp == null || stamp.job().equals(run)) {
            return true;
        }
        Long validUpTo = earlier.get(stamp.job());
        return validUpTo != null && stamp.checkpointId() <= validUpTo;
    }

    /** {@code sink} for the rows this lineage accepts; the others are counted and dropped. */
    public Consumer<ParameterRow> filter(Consumer<ParameterRow> sink) {
        return row -> {
            if (accepts(row)) {
                sink.accept(row);
            } else {
                abandonedRows++;
            }
        };
    }

    /** Rows dropped by {@link #filter} as rows of abandoned runs. */
    public long abandonedRows() {
        return abandonedRows;
    }

    /** What a snapshot by {@code checkpointId} stores: the earlier runs, then this run. */
    List<RunCheckpoint> entries(long checkpointId) {
        List<RunCheckpoint> entries = new ArrayList<>();
        earlier.forEach((job, upTo) -> entries.add(new RunCheckpoint(job, upTo)));
        entries.add(stamp(checkpointId));
        return entries;
    }

    /** Writes the lineage into the operator state for the snapshot {@code checkpointId}. */
    public void snapshot(long checkpointId) throws Exception {
        state.update(entries(checkpointId));
    }

    @Override
    public String toString() {
        return "run " + run + ", earlier runs (job=last checkpoint) " + earlier;
    }
}
