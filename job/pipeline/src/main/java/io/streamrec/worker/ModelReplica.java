package io.streamrec.worker;

import io.streamrec.ps.RowInitializer;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A worker's copy of the model rows: the parameter server's rows (in the job, those of completed
 * checkpoints, read from the model-updates topic) plus, optionally, the worker's own updates
 * applied optimistically with the same {@link RowUpdater}. A locally updated row keeps the version
 * it was based on, so the server's next version of the row replaces it. The copy is a cache: the
 * job rebuilds it from the topic after a restart and never checkpoints it, only the keys still
 * awaiting their tombstone ({@link #awaitingTombstone}).
 */
public final class ModelReplica {
    private final Map<String, ParameterRow> rows = new HashMap<>();

    /**
     * Rows erased here ({@link #remove}) and how many of their tombstones (one per erase) the feed
     * has not brought yet: until the last, the feed may still bring the row's values committed
     * before the last erase, which must not come back. Counted, as a feed behind by an erase reads
     * the first erase's tombstone followed by rows trained before the second. Checkpointed by the
     * job: after a restore the feed, read from its start, may still end with those values, the
     * tombstone's transaction committed only later.
     */
    private final Map<String, Integer> erased = new HashMap<>();

    /**
     * During the catch-up read after a restore ({@link #awaitTombstones} to {@link #caughtUp}): of
     * each key restored as erased whose record the feed brought, the last. Null otherwise.
     */
    private Map<String, ParameterRow> restoredLastRecords;

    private final RowInitializer initializer;
    private final RowUpdater updater;

    public ModelReplica(RowInitializer initializer, RowUpdater updater) {
        this.initializer = initializer;
        this.updater = updater;
    }

    /** The held row, null when this copy has none. */
    public ParameterRow row(String key) {
        return rows.get(key);
    }

    /** The held row's weights, or the row's deterministic initial weights. */
    public float[] weights(String key) {
        ParameterRow row = rows.get(key);
        return row != null ? row.weights() : initializer.initialWeights(key);
    }

    /** Takes a server row if it is newer than the held one; returns whether it was taken. */
    public boolean offer(ParameterRow row) {
        if (restoredLastRecords != null && erased.containsKey(row.key())) {
            // decided at the end of the catch-up read, by the key's last record (caughtUp)
            restoredLastRecords.put(row.key(), row);
            return false;
        }
        if (row.isTombstone()) {
            erased.computeIfPresent(row.key(), (key, due) -> due == 1 ? null : due - 1);
            return rows.remove(row.key()) != null;
        }
        if (erased.containsKey(row.key())) {
            return false;
        }
        ParameterRow current = rows.get(row.key());
        if (current != null && row.version() <= current.version()) {
            return false;
        }
        rows.put(row.key(), RowUpdater.withFiniteWeights(row, initializer));
        return true;
    }

    /** Applies the worker's own gradient to its row, which keeps the version it was based on. */
    public void applyLocally(ShardMessage gradient) {
        ParameterRow row = rows.get(gradient.key());
        ParameterRow updated = updater.apply(row, gradient);
        rows.put(
                gradient.key(),
                new ParameterRow(
                        updated.key(),
                        updated.weights(),
                        updated.slots(),
                        row == null ? 0L : row.version(),
                        updated.updates(),
                        updated.positives(),
                        updated.trend(),
                        updated.trendTime(),
                        updated.oldestNewPositiveTime()));
    }

    /**
     * Drops a row (a forgotten user's) and, with {@code awaitTombstone}, ignores server rows of it
     * until its tombstone, so that the first server row after the tombstone is taken whatever its
     * version.
     */
    public void remove(String key, boolean awaitTombstone) {
        rows.remove(key);
        if (awaitTombstone) {
            erased.merge(key, 1, Integer::sum);
        }
    }

    /**
     * Ignores server rows of {@code keys}, erased before a restored checkpoint and still awaiting
     * their tombstone then (a key once per tombstone due), until {@link #caughtUp} decides by the
     * last record of each that the catch-up read brings. Call before that read.
     */
    public void awaitTombstones(Iterable<String> keys) {
        restoredLastRecords = new HashMap<>();
        for (String key : keys) {
            rows.remove(key);
            erased.merge(key, 1, Integer::sum);
        }
    }

    /** {@link #caughtUp(Predicate)} knowing no row to be carried by the restored checkpoint. */
    public void caughtUp() {
        caughtUp(row -> false);
    }

    /**
     * Ends the restore's catch-up read. A key restored as erased whose last record read was a
     * tombstone is released: that is the last erase's, or an earlier one's with no row after it, so
     * no row of it was committed before the last erase. So is one whose last record was a row
     * {@code carriedByRestoredCheckpoint}, which is taken: that checkpoint's transaction was
     * committed, and every tombstone due at that aligned snapshot was written in a transaction up
     * to it, so it came before the row (the parameter server writes an erase's tombstone at once,
     * the returning user's rows at the barrier). One whose last record was an earlier row keeps the
     * tombstones it was restored with: that row was trained before the restored checkpoint's erase
     * (rows of abandoned checkpoints are dropped before the copy), even when an earlier erase's
     * tombstone came before it. A key of which nothing was read awaits what it was restored with.
     */
    public void caughtUp(Predicate<ParameterRow> carriedByRestoredCheckpoint) {
        if (restoredLastRecords == null) {
            return;
        }
        Map<String, ParameterRow> last = restoredLastRecords;
        restoredLastRecords = null;
        last.forEach(
                (key, row) -> {
                    if (row.isTombstone()) {
                        erased.remove(key);
                    } else if (carriedByRestoredCheckpoint.test(row)) {
                        erased.remove(key);
                        offer(row);
                    }
                });
    }

    /**
     * The keys erased whose tombstone the feed has not brought yet, for a checkpoint: a key once
     * per tombstone due.
     */
    public List<String> awaitingTombstone() {
        List<String> keys = new ArrayList<>();
        erased.forEach((key, due) -> keys.addAll(Collections.nCopies(due, key)));
        return keys;
    }

    /** The number of rows held. */
    public int size() {
        return rows.size();
    }
}
