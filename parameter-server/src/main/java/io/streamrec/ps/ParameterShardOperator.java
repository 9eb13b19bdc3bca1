package io.streamrec.ps;

import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.SavepointContract;
import io.streamrec.schema.ShardMessage;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of the parameter server, keyed by parameter row. Applies each row gradient with the
 * configured {@link RowOptimizer} and {@link FrequencyAdaptiveL2}, bumps the row's version, adds
 * the gradient's contributions to the row's update counter and emits the refreshed row. Markers
 * ({@link ShardMessage#isMarker()}) are forwarded before any later gradient, which is what keeps
 * prequential evaluation downstream free of leaks; requests pass through to serving (the job routes
 * them from the workers to serving directly; this path stays for messages of older jobs). A forget
 * marker's row copy ({@link io.streamrec.schema.EvalMarker#erasesRow()}) erases a forgotten user's
 * row and writes its tombstone.
 *
 * <p>Rows live in Flink keyed state (RocksDB in the default configuration). Updated rows are kept
 * in a {@link RowWriteBackCache} of at most {@code ps.cache-rows} rows and written to keyed state
 * in {@link #prepareSnapshotPreBarrier}, so the state in every checkpoint holds exactly the updates
 * of the records before the barrier, while a hot row costs one state read and one write per
 * checkpoint instead of one per update. The operator is the cache's {@link RowStore}: keyed state
 * and the {@link #CHECKPOINTED_ROWS} output.
 *
 * <p>Rows on the feedback topic are stamped with this run's JobID and their checkpoint ({@link
 * RunLineage}). After a restore from another run's snapshot (a savepoint, an older checkpoint) the
 * first flush republishes every row in state: compaction may have left only the abandoned run's
 * versions of a row on the topic, which replicas drop. That costs one scan of the shard's state per
 * such restore.
 */
public class ParameterShardOperator extends AbstractStreamOperator<ModelUpdate>
        implements OneInputStreamOperator<ShardMessage, ModelUpdate> {
    /** Restored rows whose widths are checked against {@code model.dim} at start. */
    static final int ROWS_CHECKED_AT_RESTORE = 64;

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParameterShardOperator.class);

    /** The count of {@link RowUpdater#skippedSteps} that next warns (1, 10, 100, ...). */
    private transient long nextSkippedStepsWarning;

    public static final String ROWS_STATE = SavepointContract.StateNames.PARAMETER_ROWS;

    /**
     * Side output with the final value of every row changed since the previous checkpoint, emitted
     * just before the barrier: the feedback topic gets one record per changed row per checkpoint,
     * and its transaction commits exactly the state of that checkpoint. Rows are stamped with the
     * run and the checkpoint that carries them (an evicted row: the one after the last flush;
     * before this attempt's first flush it waits for that flush).
     */
    public static final OutputTag<ParameterRow> CHECKPOINTED_ROWS =
            new OutputTag<>("checkpointed-rows", ParameterRow.typeInfo());

    private static final float[] NO_SLOTS = new float[0];

    private final RowUpdater updater;
    private final int cacheCapacity;
    private final int builtShards;

    private transient ValueState<ParameterRow> rows;
    private transient RunLineage lineage;
    private transient RowWriteBackCache rowCache;

    private transient Counter evictedDirtyRows;
    private transient Counter erasedRows;
    private transient Counter appliedUpdates;
    private transient Counter contributions;

    /**
     * @param builtShards the parallelism the job was built with for this stage, whose shard keys
     *     the workers send markers under; 0 where nothing sends markers (a benchmark of the stage
     *     alone)
     */
    public ParameterShardOperator(
            RowOptimizer optimizer,
            FrequencyAdaptiveL2 l2,
            RowInitializer initializer,
            long trendHalfLifeMs,
            int cacheCapacity,
            int builtShards) {
        this.updater = new RowUpdater(optimizer, l2, initializer, trendHalfLifeMs);
        this.cacheCapacity = cacheCapacity;
        this.builtShards = builtShards;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        rows = context.getKeyedStateStore().getState(ParameterShardState.rows());
        lineage = RunLineage.restore(context, getRuntimeContext().getJobInfo().getJobId());
        rowCache =
                new RowWriteBackCache(
                        new KeyedRows(), cacheCapacity, lineage.restoredFromAnotherRun());
    }

    @Override
    public void open() throws Exception {
        super.open();
        nextSkippedStepsWarning = 1;
        evictedDirtyRows = getMetricGroup().counter("evictedDirtyRows");
        erasedRows = getMetricGroup().counter("erasedRows");
        appliedUpdates = getMetricGroup().counter("appliedUpdates");
        contributions = getMetricGroup().counter("appliedContributions");
        checkShards();
        checkRestoredWidth();
    }

    /**
     * Reads the first {@link #ROWS_CHECKED_AT_RESTORE} restored rows and fails the job, without
     * restarts, if this job's {@code model.dim} gives one of them another width: state of another
     * {@code model.dim} would fail every restart at its first update, in a loop. More than one, as
     * some rows' widths do not depend on {@code model.dim} ({@code dense:phi}).
     */
    private void checkRestoredWidth() throws Exception {
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        List<String> first;
        try (Stream<String> keys = backend.getKeys(ROWS_STATE, VoidNamespace.INSTANCE)) {
            first = keys.limit(ROWS_CHECKED_AT_RESTORE).toList();
        }
        for (String key : first) {
            setCurrentKey(key);
            try {
                updater.checkRestored(rows.value());
            } catch (RowWidthMismatchException e) {
                throw new SuppressRestartsException(e);
            }
        }
    }

    /**
     * Fails the job without restarts if this stage runs another number of subtasks than the job was
     * built with: the workers send each evaluation marker to one key per shard, picked from that
     * number, so a scheduler that changed this stage's parallelism afterwards (the adaptive
     * scheduler, an autoscaler's parallelism overrides) leaves some shards without a copy, and
     * serving could evaluate an event after the rows that learned from it. Restarting cannot help.
     * Checked at open, not per marker: markers replayed from an unaligned checkpoint's in-flight
     * data after a legitimate rescale name the old number.
     */
    private void checkShards() {
        int shards = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        if (builtShards > 0 && builtShards != shards) {
            throw new SuppressRestartsException(
                    new IllegalStateException(
                            "The parameter-server stage runs "
                                    + shards
                                    + " subtasks, but the job was built for "
                                    + builtShards
                                    + ", the number the workers send each evaluation marker to:"
                                    + " the scheduler gave it another parallelism than the job"
                                    + " set. Set it when building the job (parallelism.shards or"
                                    + " parallelism.default) and resubmit from a savepoint;"
                                    + " schedulers that rescale a running job's stages (the"
                                    + " adaptive scheduler, parallelism overrides) are not"
                                    + " supported."));
        }
    }

    @Override
    public void processElement(StreamRecord<ShardMessage> element) throws Exception {
        ShardMessage msg = element.getValue();
        if (msg.isMarker() && msg.marker().erasesRow()) {
            erase(msg.key());
            return;
        }
        if (msg.isMarker()) {
            output.collect(new StreamRecord<>(ModelUpdate.of(msg.marker())));
            return;
        }
        if (msg.isRequest()) {
            output.collect(new StreamRecord<>(ModelUpdate.of(msg.request())));
            return;
        }
        String key = msg.key();
        ParameterRow current = rowCache.get(key);
        ParameterRow updated;
        try {
            updated = apply(current, msg);
        } catch (RowWidthMismatchException e) {
            throw new SuppressRestartsException(e);
        }
        int evicted = rowCache.put(key, updated);
        if (evicted > 0) {
            evictedDirtyRows.inc(evicted);
            setCurrentKey(key); // the evicted rows' writes moved the state's current key
        }
        appliedUpdates.inc();
        contributions.inc(msg.contributions());
        // serving needs no optimizer slots; leave them out of the broadcast
        output.collect(new StreamRecord<>(ModelUpdate.of(withoutSlots(updated))));
    }

    /**
     * Erases a forgotten user's row (the current key) from the cache and from state, and writes its
     * tombstone to the feedback topic in this checkpoint's transaction: after every value of the
     * row written before, so compaction drops them all. The tombstone also goes to serving on the
     * main output, after every earlier value of the row on this channel: serving forgets the user
     * at the marker's first copy, which may come from another shard before this shard's last row of
     * the user; the tombstone removes that row again and lets the new user's version 1 in.
     */
    private void erase(String key) {
        rowCache.erase(key);
        erasedRows.inc();
        ParameterRow tombstone = ParameterRow.tombstone(key);
        output.collect(CHECKPOINTED_ROWS, new StreamRecord<>(tombstone));
        output.collect(new StreamRecord<>(ModelUpdate.of(tombstone)));
    }

    private static ParameterRow withoutSlots(ParameterRow r) {
        return new ParameterRow(
                r.key(),
                r.weights(),
                NO_SLOTS,
                r.version(),
                r.updates(),
                r.positives(),
                r.trend(),
                r.trendTime(),
                r.oldestNewPositiveTime());
    }

    /** Applies one gradient message to a row (null: a row never seen) and returns the new row. */
    ParameterRow apply(ParameterRow current, ShardMessage msg) {
        ParameterRow next = updater.apply(current, msg);
        // a step at most per call: the count reaches each threshold at the step that skipped
        if (updater.skippedSteps() >= nextSkippedStepsWarning) {
            LOG.warn(
                    "Shard {} has skipped {} gradient steps whose gradient, or the weights the step"
                            + " gave, were not all numbers (the latest for row {}); they moved no"
                            + " weight, and their events still count",
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    updater.skippedSteps(),
                    msg.key());
            nextSkippedStepsWarning *= 10;
        }
        return next;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        rowCache.flushAtBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        lineage.snapshot(context.getCheckpointId());
    }

    @Override
    public void finish() throws Exception {
        rowCache.flushAtEnd();
        super.finish();
    }

    /**
     * The cache's {@link RowStore}: the rows' keyed state, whose current key it moves to the row it
     * reads or writes, and the {@link #CHECKPOINTED_ROWS} output, stamped with this run.
     */
    private final class KeyedRows implements RowStore {
        @Override
        public ParameterRow read(String key) throws IOException {
            focus(key);
            return rows.value();
        }

        @Override
        public void write(String key, ParameterRow row) throws IOException {
            focus(key);
            rows.update(row);
        }

        @Override
        public void erase(String key) {
            focus(key);
            rows.clear();
        }

        @Override
        public void emit(ParameterRow row, long label) {
            output.collect(
                    CHECKPOINTED_ROWS, new StreamRecord<>(row.stamped(lineage.stamp(label))));
        }

        /** Emits every row in state, stamped with this run. */
        @Override
        public void emitAll(long label) throws IOException {
            long n = 0;
            KeyedStateBackend<String> backend = getKeyedStateBackend();
            try (Stream<String> keys = backend.getKeys(ROWS_STATE, VoidNamespace.INSTANCE)) {
                for (Iterator<String> it = keys.iterator(); it.hasNext(); n++) {
                    setCurrentKey(it.next());
                    emit(rows.value(), label);
                }
            }
            LOG.info(
                    "Restored from another run ({}): republished all {} rows of this shard with"
                            + " checkpoint {}",
                    lineage,
                    n,
                    label);
        }

        /**
         * Makes {@code key} the state's current key; a record's own key already is, which spares
         * the hot path a second serialization of it.
         */
        private void focus(String key) {
            if (!key.equals(getCurrentKey())) {
                setCurrentKey(key);
            }
        }
    }
}
