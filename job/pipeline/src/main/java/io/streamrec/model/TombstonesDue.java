package io.streamrec.model;

import io.streamrec.schema.ParameterRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The wait of a reader of the committed model-updates topic for the tombstones of the rows it
 * erased: of each key, how many tombstones (one per erase) the topic has not brought yet. Until the
 * last, the topic may still bring the key's rows committed before the last erase, which must not
 * come back ({@link #admits}). Counted, as a reader behind by an erase reads the first erase's
 * tombstone followed by the returning user's rows trained before the second.
 *
 * <p>The tombstone is committed with the next checkpoint at the latest; a restore of that
 * checkpoint may find it not committed yet, so the checkpoint holds the keys still awaiting theirs
 * ({@link #keys}) and the restore takes them as awaiting again ({@link #restore}): the topic may
 * end with their rows committed before the erase, the tombstone's transaction committed only later
 * (or never). During the restore's catch-up read their records are withheld, and {@link #caughtUp}
 * decides by the last record of each.
 *
 * <p>Flink-free and not thread-safe; the caller decides which keys to take.
 */
public final class TombstonesDue {
    private final Map<String, Integer> due = new HashMap<>();

    /**
     * During the catch-up read after a restore ({@link #restore} to {@link #caughtUp}): of each key
     * restored as awaiting whose record the topic brought, the last. Null otherwise.
     */
    private Map<String, ParameterRow> restoredLastRecords;

    /** Awaits one more tombstone of {@code key} (an erase). */
    public void add(String key) {
        due.merge(key, 1, Integer::sum);
    }

    /**
     * Takes {@code keys}, erased before the restored checkpoint and still awaiting their tombstone
     * then (a key once per tombstone due), as awaiting it again, and starts the catch-up read:
     * their records are withheld until {@link #caughtUp}. Call before that read.
     */
    public void restore(Iterable<String> keys) {
        restoredLastRecords = new HashMap<>();
        for (String key : keys) {
            add(key);
        }
    }

    /**
     * Whether the reader takes {@code row}, read from the topic under {@code key}. A tombstone ends
     * one erase's wait and is taken; a row of a key awaiting a tombstone is not. During the
     * catch-up read, no record of a restored key awaiting its tombstone is taken: the last is kept
     * for {@link #caughtUp}.
     */
    public boolean admits(String key, ParameterRow row) {
        if (restoredLastRecords != null && due.containsKey(key)) {
            // decided at the end of the catch-up read, by the key's last record (caughtUp)
            restoredLastRecords.put(key, row);
            return false;
        }
        if (row.isTombstone()) {
            due.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            return true;
        }
        return !due.containsKey(key);
    }

    /**
     * Ends the restore's catch-up read of the topic (nothing when none is on). A key restored as
     * awaiting whose last record read was a tombstone is released: that is the last erase's, or an
     * earlier one's with no row after it, so no row of the key committed before the last erase is
     * left to take. So is one whose last record was a row {@code carriedByRestoredCheckpoint},
     * which is then handed to {@code apply}: that checkpoint's transaction was committed, and every
     * tombstone due at that aligned snapshot was written in a transaction up to it, so it came
     * before the row (the parameter server writes an erase's tombstone at once, the returning
     * user's rows at the barrier). One whose last record was an earlier row keeps the tombstones it
     * was restored with: that row was trained before the restored checkpoint's erase (rows of
     * abandoned checkpoints are dropped before the reader), even when an earlier erase's tombstone
     * came before it. A key of which nothing was read awaits what it was restored with.
     */
    public void caughtUp(
            Predicate<ParameterRow> carriedByRestoredCheckpoint, Consumer<ParameterRow> apply) {
        if (restoredLastRecords == null) {
            return;
        }
        Map<String, ParameterRow> last = restoredLastRecords;
        restoredLastRecords = null;
        last.forEach(
                (key, row) -> {
                    if (row.isTombstone()) {
                        due.remove(key);
                    } else if (carriedByRestoredCheckpoint.test(row)) {
                        due.remove(key);
                        apply.accept(row);
                    }
                });
    }

    /**
     * The keys whose tombstone the topic has not brought yet, for a checkpoint: a key once per
     * tombstone due.
     */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        due.forEach((key, n) -> keys.addAll(Collections.nCopies(n, key)));
        return keys;
    }
}
