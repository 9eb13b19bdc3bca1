package io.streamrec.worker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The event ids each user sent within the dedupe window, in keyed state, expired by event time: an
 * id is forgotten once the user's newest event is more than the window past it. Whether an event is
 * a duplicate therefore depends only on the user's events, never on the wall clock, so a run
 * resumed from an old checkpoint recognises exactly the duplicates a run without failures does.
 *
 * <p>Each user's ids are pruned when the user's newest event time enters a new window, so a user
 * keeps at most about two windows of ids (the last ones of a user who stopped sending). A late
 * event already more than the window behind its user's newest is not kept at all, nor is an event
 * turned away. A user whose event times stop moving (a client that sends one timestamp) never
 * enters a new window, so the ids are also capped per user: past {@code maxIds}, those of the
 * oldest event times are dropped until a quarter of the cap is free (ties by id, so that a restored
 * run drops the same ones), and a copy of a dropped id is no longer recognised.
 */
final class SeenEventIds {
    /** Newest event time first; among equal times the greater id, so that drops are repeatable. */
    private static final Comparator<Map.Entry<String, Long>> NEWEST_FIRST =
            Comparator.<Map.Entry<String, Long>, Long>comparing(Map.Entry::getValue)
                    .thenComparing(Map.Entry::getKey)
                    .reversed();

    private final long windowMs;
    private final int maxIds;
    private final MapState<String, Long> eventTimes;
    private final ValueState<Long> newest;
    private final ValueState<Integer> count;
    private final MapState<String, Boolean> legacy;
    private final long legacyUntil;

    /**
     * @param maxIds the most ids one user keeps
     * @param restoredAt the processing time of a restore, or {@link Long#MIN_VALUE} on a fresh
     *     start: only until a window after it can checkpoints of earlier versions hold ids
     */
    SeenEventIds(KeyedStateStore store, long windowMs, int maxIds, long restoredAt) {
        if (maxIds < 4) {
            throw new IllegalArgumentException("maxIds " + maxIds + " < 4");
        }
        this.windowMs = windowMs;
        this.maxIds = maxIds;
        this.eventTimes = store.getMapState(WorkerStates.seenEventTimes());
        this.newest = store.getState(WorkerStates.newestEventTime());
        this.count = store.getState(WorkerStates.seenEventIdCount());
        // earlier versions' ids: read only for a window after a restore, when they have all expired
        this.legacy = store.getMapState(WorkerStates.legacySeenEventIds(windowMs));
        this.legacyUntil = restoredAt == Long.MIN_VALUE ? Long.MIN_VALUE : restoredAt + windowMs;
    }

    /**
     * Whether the current user sent {@code eventId} within the window before its newest event.
     *
     * @param now the processing time, only to stop reading ids of earlier versions' checkpoints
     */
    boolean isDuplicate(String eventId, long now) throws Exception {
        Long seenAt = eventTimes.get(eventId);
        if (seenAt != null && seenAt >= horizon(newest.value())) {
            return true;
        }
        return now < legacyUntil && legacy.contains(eventId);
    }

    /**
     * Remembers an accepted event of the current user. Only accepted events: one turned away (over
     * the flood limit) may be sent again once accepted, replayed from its dead letter.
     *
     * @return how many of the user's ids were dropped at the cap (0 nearly always)
     */
    int remember(String eventId, long eventTime) throws Exception {
        Long newestBefore = newest.value();
        if (eventTime < horizon(newestBefore)) {
            return 0; // already past the window: a second copy could not be a duplicate either
        }
        eventTimes.put(eventId, eventTime);
        // an id put again (sent once more after its window, before a prune) counts twice: the
        // next prune counts exactly. No count yet: a new user (no newest event, so this id is its
        // only one), or one restored from a checkpoint before counts, whose ids are counted once
        // here so that the cap holds for them too.
        Integer before = count.value();
        int held = before != null ? before + 1 : newestBefore == null ? 1 : size();
        if (newestBefore == null || eventTime > newestBefore) {
            newest.update(eventTime);
            if (newestBefore != null && eventTime / windowMs > newestBefore / windowMs) {
                held = prune(eventTime - windowMs);
            }
        }
        int dropped = 0;
        if (held > maxIds) {
            int keep = maxIds - maxIds / 4;
            int total = keepNewest(keep);
            dropped = Math.max(0, total - keep);
            held = Math.min(total, keep);
        }
        count.update(held);
        return dropped;
    }

    /** The oldest event time still in the window of a user whose newest is {@code newestTime}. */
    private long horizon(Long newestTime) {
        return newestTime == null ? Long.MIN_VALUE : newestTime - windowMs;
    }

    /** Forgets every id of the current user (a forgotten user starts afresh). */
    void clear() {
        eventTimes.clear();
        newest.clear();
        count.clear();
        legacy.clear();
    }

    private int size() throws Exception {
        int size = 0;
        for (Iterator<String> ids = eventTimes.keys().iterator(); ids.hasNext(); ids.next()) {
            size++;
        }
        return size;
    }

    /** Drops the ids older than {@code horizon}; returns how many stay. */
    private int prune(long horizon) throws Exception {
        List<String> expired = new ArrayList<>();
        int held = 0;
        for (Map.Entry<String, Long> e : eventTimes.entries()) {
            held++;
            if (e.getValue() < horizon) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            eventTimes.remove(id);
        }
        return held - expired.size();
    }

    /**
     * Keeps the {@code n} ids of the newest event times (ties: the greater ids); returns how many
     * there were before.
     */
    private int keepNewest(int n) throws Exception {
        List<Map.Entry<String, Long>> held = new ArrayList<>();
        for (Map.Entry<String, Long> e : eventTimes.entries()) {
            held.add(Map.entry(e.getKey(), e.getValue()));
        }
        if (held.size() > n) {
            held.sort(NEWEST_FIRST);
            for (Map.Entry<String, Long> dropped : held.subList(n, held.size())) {
                eventTimes.remove(dropped.getKey());
            }
        }
        return held.size();
    }
}
