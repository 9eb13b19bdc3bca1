package io.streamrec.ps;

import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.SavepointContract;
import io.streamrec.schema.ShardMessage;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
 * in a write-back cache and written to keyed state in {@link #prepareSnapshotPreBarrier}, so the
 * state in every checkpoint holds exactly the updates of the records before the barrier, while a
 * hot row costs one state read and one write per checkpoint instead of one per update. The cache
 * holds at most {@code ps.cache-rows} rows, least recently used evicted first; an evicted row
 * changed since the last checkpoint is written to state when it leaves, so memory stays bounded
 * however many rows an interval touches.
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

    /**
     * Rows by key in access order, at most {@code cacheCapacity}; see {@link #evictBeyondBound}.
     */
    private transient LinkedHashMap<String, ParameterRow> cache;

    /** Keys of cached rows changed since the last flush (always a subset of the cache's keys). */
    private transient Set<String> dirty;

    private transient RunLineage lineage;

    /** Whether the next flush republishes every row in state (see the class comment). */
    private transient boolean republish;

    /**
     * The checkpoint of this attempt's last flush; absent before its first. A row evicted after it
     * is labelled one past it: the next checkpoint to reach this operator, or one that never
     * completes. Before the first flush no label is safe: after a failover Flink's ids go on from
     * the highest it issued, and a savepoint taken while the job ran (never recovered from) may
     * have the id after the restored checkpoint without holding the rows written since. So rows
     * evicted then go to state only, their keys to {@link #evictedBeforeFirstFlush}, and the first
     * flush writes them out with its own id.
     */
    private transient OptionalLong lastFlushed;

    /**
     * Keys evicted into state before this attempt's first flush, not yet on the topic: at most
     * {@code cacheCapacity} (keys, where the cache holds rows); a row evicted beyond that goes out
     * at once labelled {@link #AFTER_EVERY_SNAPSHOT}.
     */
    private transient Set<String> evictedBeforeFirstFlush;

    /**
     * The label of rows written out before this attempt's first barrier without waiting for it (at
     * the end of input, or beyond the held keys' bound): their checkpoint's id is not known, so a
     * label no snapshot id reaches (the same run's readers take the rows; a later run takes them
     * from its republish).
     */
    static final long AFTER_EVERY_SNAPSHOT = Long.MAX_VALUE;

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
        republish = lineage.restoredFromAnotherRun();
        lastFlushed = OptionalLong.empty();
        evictedBeforeFirstFlush = new HashSet<>();
    }

    @Override
    public void open() throws Exception {
        super.open();
        nextSkippedStepsWarning = 1;
        cache = new LinkedHashMap<>(16, 0.75f, true);
        dirty = new HashSet<>();
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
        ParameterRow current = cache.get(key);
        if (current == null) {
            current = rows.value();
        }
        ParameterRow updated;
        try {
            updated = apply(current, msg);
        } catch (RowWidthMismatchException e) {
            throw new SuppressRestartsException(e);
        }
        cache.put(key, updated);
        dirty.add(key);
        evictBeyondBound(key);
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
    private void erase(String key) throws Exception {
        cache.remove(key);
        dirty.remove(key);
        evictedBeforeFirstFlush.remove(key);
        rows.clear();
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
        flushDirtyRows(checkpointId);
        lastFlushed = OptionalLong.of(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        lineage.snapshot(context.getCheckpointId());
    }

    @Override
    public void finish() throws Exception {
        flushDirtyRows(nextLabel());
        super.finish();
    }

    /**
     * The label of a row written out now, before the next barrier: one past the last flush, or
     * {@link #AFTER_EVERY_SNAPSHOT} before this attempt's first.
     */
    private long nextLabel() {
        return lastFlushed.isPresent() ? lastFlushed.getAsLong() + 1 : AFTER_EVERY_SNAPSHOT;
    }

    /**
     * Keeps the cache within {@code cacheCapacity} rows by dropping the least recently used; a
     * dropped row changed since the last flush is written to state and to the feedback topic now,
     * as the flush would have: state before the barrier and the checkpoint's transaction still hold
     * every update before the barrier, and the topic gets that row more than once per checkpoint
     * (readers keep the highest version). Before this attempt's first flush it goes to state only
     * (see {@link #lastFlushed}). {@code current} is the key being processed, restored as the
     * state's current key afterwards.
     */
    private void evictBeyondBound(String current) throws Exception {
        if (cache.size() <= cacheCapacity) {
            return;
        }
        Iterator<Map.Entry<String, ParameterRow>> eldest = cache.entrySet().iterator();
        while (cache.size() > cacheCapacity) {
            Map.Entry<String, ParameterRow> e = eldest.next();
            if (dirty.remove(e.getKey())) {
                if (lastFlushed.isEmpty()
                        && (evictedBeforeFirstFlush.size() < cacheCapacity
                                || evictedBeforeFirstFlush.contains(e.getKey()))) {
                    setCurrentKey(e.getKey());
                    rows.update(e.getValue());
                    evictedBeforeFirstFlush.add(e.getKey());
                } else {
                    // carried by the next checkpoint or a later one; beyond the held keys' bound
                    // before the first flush, a label no snapshot reaches
                    writeOut(e.getKey(), e.getValue(), nextLabel());
                }
                evictedDirtyRows.inc();
            }
            eldest.remove();
        }
        setCurrentKey(current);
    }

    /** Writes the changed rows out for checkpoint {@code label}, or republishes all rows. */
    private void flushDirtyRows(long label) throws Exception {
        if (!republish) {
            // the first flush's part for rows evicted before it; a dirty key goes out below
            for (String key : evictedBeforeFirstFlush) {
                if (!dirty.contains(key)) {
                    setCurrentKey(key); // already in state
                    emit(rows.value(), label);
                }
            }
        }
        evictedBeforeFirstFlush.clear();
        for (String key : dirty) {
            if (republish) {
                setCurrentKey(key);
                rows.update(cache.get(key)); // the republish below emits it
            } else {
                writeOut(key, cache.get(key), label);
            }
        }
        dirty.clear();
        if (republish) {
            republishAll(label);
            republish = false;
        }
    }

    private void writeOut(String key, ParameterRow row, long label) throws Exception {
        setCurrentKey(key);
        rows.update(row);
        emit(row, label);
    }

    /** A row on {@link #CHECKPOINTED_ROWS}, stamped with this run and {@code label}. */
    private void emit(ParameterRow row, long label) {
        output.collect(CHECKPOINTED_ROWS, new StreamRecord<>(row.stamped(lineage.stamp(label))));
    }

    /** Emits every row in state, stamped with this run, on {@link #CHECKPOINTED_ROWS}. */
    private void republishAll(long label) throws Exception {
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
}
