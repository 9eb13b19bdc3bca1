package io.streamrec.ps;

import io.streamrec.schema.ParameterRow;
import java.io.IOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The parameter server's write-back cache in front of a {@link RowStore}. Updated rows stay here
 * and go to the store, and out to the feedback topic, at a flush ({@link #flushAtBarrier} just
 * before a checkpoint's barrier), so the store in every checkpoint holds exactly the updates of the
 * records before the barrier, while a hot row costs one read and one write per checkpoint instead
 * of one per update.
 *
 * <p>At most {@code capacity} rows, least recently used evicted first; an evicted row changed since
 * the last flush is written when it leaves, so memory stays bounded however many rows an interval
 * touches (see {@link #evictBeyondBound} for its label).
 *
 * <p>After a restore from another run's snapshot the first flush republishes every stored row
 * ({@link RowStore#emitAll}), the changed ones with their new values: compaction may have left only
 * the abandoned run's versions of a row on the topic, which replicas drop.
 */
final class RowWriteBackCache {
    /**
     * The label of rows written out before this attempt's first barrier without waiting for it (at
     * the end of input, or beyond the held keys' bound): their checkpoint's id is not known, so a
     * label no snapshot id reaches (the same run's readers take the rows; a later run takes them
     * from its republish).
     */
    static final long AFTER_EVERY_SNAPSHOT = Long.MAX_VALUE;

    private final RowStore store;
    private final int capacity;

    /** Rows by key in access order, at most {@link #capacity}. */
    private final LinkedHashMap<String, ParameterRow> cache = new LinkedHashMap<>(16, 0.75f, true);

    /** Keys of cached rows changed since the last flush (always a subset of the cache's keys). */
    private final Set<String> dirty = new HashSet<>();

    /**
     * Keys evicted into the store before this attempt's first flush, not yet on the topic: at most
     * {@link #capacity} (keys, where the cache holds rows); a row evicted beyond that goes out at
     * once labelled {@link #AFTER_EVERY_SNAPSHOT}.
     */
    private final Set<String> evictedBeforeFirstFlush = new HashSet<>();

    /**
     * The checkpoint of this attempt's last flush; absent before its first. A row evicted after it
     * is labelled one past it: the next checkpoint to reach the operator, or one that never
     * completes. Before the first flush no label is safe: after a failover Flink's ids go on from
     * the highest it issued, and a savepoint taken while the job ran (never recovered from) may
     * have the id after the restored checkpoint without holding the rows written since. So rows
     * evicted then go to the store only, their keys to {@link #evictedBeforeFirstFlush}, and the
     * first flush writes them out with its own id.
     */
    private OptionalLong lastFlushed = OptionalLong.empty();

    /** Whether the next flush republishes every stored row. */
    private boolean republish;

    /**
     * @param republish whether the store was restored from another run's snapshot, so that the
     *     first flush republishes every row
     */
    RowWriteBackCache(RowStore store, int capacity, boolean republish) {
        this.store = store;
        this.capacity = capacity;
        this.republish = republish;
    }

    /** The row of {@code key}: the cached one, else the stored one; null for a row never seen. */
    ParameterRow get(String key) throws IOException {
        ParameterRow cached = cache.get(key);
        return cached != null ? cached : store.read(key);
    }

    /**
     * Caches {@code row} as the changed row of {@code key} and evicts the least recently used rows
     * beyond the bound.
     *
     * @return the number of evicted rows that had changed since the last flush, each written to the
     *     store (0: the store was not touched)
     */
    int put(String key, ParameterRow row) throws IOException {
        cache.put(key, row);
        dirty.add(key);
        return evictBeyondBound();
    }

    /** Drops the row of {@code key} from the cache, from the next flush and from the store. */
    void erase(String key) {
        cache.remove(key);
        dirty.remove(key);
        evictedBeforeFirstFlush.remove(key);
        store.erase(key);
    }

    /** Flushes the changed rows for {@code checkpointId}, whose barrier comes next. */
    void flushAtBarrier(long checkpointId) throws IOException {
        flush(checkpointId);
        lastFlushed = OptionalLong.of(checkpointId);
    }

    /** Flushes the changed rows at the end of input, labelled {@link #nextLabel()}. */
    void flushAtEnd() throws IOException {
        flush(nextLabel());
    }

    /**
     * The label of a row written out now, before the next barrier: one past the last flush, or
     * {@link #AFTER_EVERY_SNAPSHOT} before this attempt's first.
     */
    long nextLabel() {
        return lastFlushed.isPresent() ? lastFlushed.getAsLong() + 1 : AFTER_EVERY_SNAPSHOT;
    }

    /**
     * Keeps the cache within {@link #capacity} rows by dropping the least recently used; a dropped
     * row changed since the last flush is written to the store and to the feedback topic now, as
     * the flush would have: the store before the barrier and the checkpoint's transaction still
     * hold every update before the barrier, and the topic gets that row more than once per
     * checkpoint (readers keep the highest version). Before this attempt's first flush it goes to
     * the store only (see {@link #lastFlushed}).
     */
    private int evictBeyondBound() throws IOException {
        if (cache.size() <= capacity) {
            return 0;
        }
        int evictedDirty = 0;
        Iterator<Map.Entry<String, ParameterRow>> eldest = cache.entrySet().iterator();
        while (cache.size() > capacity) {
            Map.Entry<String, ParameterRow> e = eldest.next();
            if (dirty.remove(e.getKey())) {
                if (lastFlushed.isEmpty()
                        && (evictedBeforeFirstFlush.size() < capacity
                                || evictedBeforeFirstFlush.contains(e.getKey()))) {
                    store.write(e.getKey(), e.getValue());
                    evictedBeforeFirstFlush.add(e.getKey());
                } else {
                    // carried by the next checkpoint or a later one; beyond the held keys' bound
                    // before the first flush, a label no snapshot reaches
                    writeOut(e.getKey(), e.getValue(), nextLabel());
                }
                evictedDirty++;
            }
            eldest.remove();
        }
        return evictedDirty;
    }

    /** Writes the changed rows out for checkpoint {@code label}, or republishes all rows. */
    private void flush(long label) throws IOException {
        if (!republish) {
            // the first flush's part for rows evicted before it; a dirty key goes out below
            for (String key : evictedBeforeFirstFlush) {
                if (!dirty.contains(key)) {
                    store.emit(store.read(key), label); // already in the store
                }
            }
        }
        evictedBeforeFirstFlush.clear();
        for (String key : dirty) {
            if (republish) {
                store.write(key, cache.get(key)); // the republish below emits it
            } else {
                writeOut(key, cache.get(key), label);
            }
        }
        dirty.clear();
        if (republish) {
            store.emitAll(label);
            republish = false;
        }
    }

    private void writeOut(String key, ParameterRow row, long label) throws IOException {
        store.write(key, row);
        store.emit(row, label);
    }
}
