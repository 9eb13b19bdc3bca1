package io.streamrec.worker;

import io.streamrec.ps.RowInitializer;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
     * Rows erased here ({@link #remove}) whose tombstone the feed has not brought yet: until it
     * does, the feed may still bring the erased row's earlier values (committed before the erase),
     * which must not come back. Checkpointed by the job: after a restore the feed, read from its
     * start, may still end with those values, the tombstone's transaction committed only later.
     */
    private final Set<String> erased = new HashSet<>();

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
        if (row.isTombstone()) {
            erased.remove(row.key());
            return rows.remove(row.key()) != null;
        }
        if (erased.contains(row.key())) {
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
            erased.add(key);
        }
    }

    /**
     * Ignores server rows of {@code keys}, erased before a restored checkpoint and still awaiting
     * their tombstone then, until their tombstone, as {@link #remove} does.
     */
    public void awaitTombstones(Iterable<String> keys) {
        for (String key : keys) {
            rows.remove(key);
            erased.add(key);
        }
    }

    /** The keys erased whose tombstone the feed has not brought yet, for a checkpoint. */
    public List<String> awaitingTombstone() {
        return List.copyOf(erased);
    }

    /** The number of rows held. */
    public int size() {
        return rows.size();
    }
}
