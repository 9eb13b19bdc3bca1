package io.streamrec.worker;

import io.streamrec.model.TombstonesDue;
import io.streamrec.ps.RowInitializer;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import java.util.ArrayList;
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
     * Rows erased here ({@link #remove}) awaiting their tombstones on the feed, which may still
     * bring their values committed before the erase. Checkpointed by the job ({@link
     * #awaitingTombstone}).
     */
    private final TombstonesDue erased = new TombstonesDue();

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
        if (!erased.admits(row.key(), row)) {
            return false;
        }
        if (row.isTombstone()) {
            return rows.remove(row.key()) != null;
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
            erased.add(key);
        }
    }

    /**
     * Ignores server rows of {@code keys}, erased before a restored checkpoint and still awaiting
     * their tombstone then (a key once per tombstone due), until {@link #caughtUp} ({@link
     * TombstonesDue#restore}), and drops their rows. Call before the catch-up read.
     */
    public void awaitTombstones(Iterable<String> keys) {
        // one pass: the keys may come from a state that is read once
        List<String> restored = new ArrayList<>();
        for (String key : keys) {
            rows.remove(key);
            restored.add(key);
        }
        erased.restore(restored);
    }

    /**
     * Ends the restore's catch-up read: decides each restored key's wait by the last record read,
     * taking a last row {@code carriedByRestoredCheckpoint} ({@link TombstonesDue#caughtUp}).
     */
    public void caughtUp(Predicate<ParameterRow> carriedByRestoredCheckpoint) {
        erased.caughtUp(carriedByRestoredCheckpoint, this::offer);
    }

    /**
     * The keys erased whose tombstone the feed has not brought yet, for a checkpoint: a key once
     * per tombstone due.
     */
    public List<String> awaitingTombstone() {
        return erased.keys();
    }

    /** The number of rows held. */
    public int size() {
        return rows.size();
    }
}
