package io.streamrec.serving;

import io.streamrec.schema.RecommendationRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.java.tuple.Tuple4;

/**
 * A serving subtask's account of the requests it reads from the topic itself, kept on the task
 * thread: which offset of each partition it has dealt with (what a checkpoint stores), and the
 * order of a user's requests against the user's forgets.
 *
 * <p>A forget reaches serving through the workers and the parameter server, a request read from the
 * topic at once: a request read after a forget of its user is held until serving has erased the
 * user, so that it is answered as a user without history, as on the job's own path. A forget that
 * serving applies before this subtask read it is remembered for a while so the two cancel. Either
 * side waits at most {@link #FORGET_WAIT_MS}: a forget the job never applies (for example one
 * dead-lettered) must not hold its user's requests for ever. A forget only late (the training path
 * behind this reader) is not told apart: its user's requests are answered from the data serving
 * still holds once the wait is over, and the forget is applied after them. A forget marker names
 * only its user, so the ledger matches applications to forgets by their order per user: a forget
 * released unapplied is awaited for {@link #LATE_FORGET_MS} more, and the user's next application
 * is taken for it, not for a forget not read yet, which would let the user's next forget read in
 * the following {@link #FORGET_WAIT_MS} hold nothing.
 *
 * <p>A checkpoint stores, per partition, the first offset not yet dealt with (a held request, or a
 * forget not yet applied, counts as not dealt with), so after a restore the requests answered since
 * that checkpoint are answered again: at-least-once results are given twice (clients drop a
 * repeated {@code requestId}), exactly-once results lose their uncommitted answers with the aborted
 * transaction and get them once more.
 *
 * <p>A restore reads again from those offsets, among them forgets serving had already applied
 * before the checkpoint (read and applied while an earlier request was held, or applied before this
 * subtask read them): serving never applies them again, so a checkpoint also stores them ({@link
 * #appliedForgetsState}), and a restored ledger takes each as applied when it reads it, instead of
 * holding the user's requests behind it for {@link #FORGET_WAIT_MS}.
 *
 * <p>After a rescale a subtask starts at the lowest position of all the old subtasks (at the
 * earliest offset of a partition some of them had not found), so it reads again requests and
 * forgets of its users that their old owner had dealt with before the checkpoint (its position past
 * them): those are taken as dealt with ({@link EarlierOwners}), so the old owner's answers are not
 * given again and its applied forgets hold nothing.
 */
final class DirectRequestLedger {
    /** The longest a request waits behind its user's forget, and a forget for its request. */
    static final long FORGET_WAIT_MS = 60_000;

    /**
     * How long after serving read it a forget released unapplied ({@link #FORGET_WAIT_MS}) is still
     * taken for the next application of its user's forget: the application of a forget only late,
     * not one applied before it was read. Long, since a late forget holds nothing while awaited and
     * a lost one only makes its user's next forget within this time hold requests its longest wait.
     */
    static final long LATE_FORGET_MS = 24 * 60 * 60_000L;

    private final Map<Integer, Long> next = new HashMap<>();

    private final EarlierOwners earlierOwners;

    /** Per user: forgets read from the topic that serving has not applied yet, in order. */
    private final Map<String, ArrayDeque<Waiting>> forgetsAhead = new HashMap<>();

    /** Per user: requests read after a forget of the user that serving has not applied yet. */
    private final Map<String, List<DirectRequest>> held = new HashMap<>();

    /** Per user: when serving applied forgets this subtask had not read from the topic yet. */
    private final Map<String, ArrayDeque<Long>> appliedUnread = new HashMap<>();

    /**
     * Per user: when this subtask read the forgets released unapplied after the longest wait, in
     * order, until serving applies them or {@link #LATE_FORGET_MS} has passed.
     */
    private final Map<String, ArrayDeque<Long>> releasedUnapplied = new HashMap<>();

    /**
     * Forgets read and applied, kept while a restore would read them again (at or above the
     * position of their partition); pruned at each checkpoint.
     */
    private final List<DirectRequest> appliedRead = new ArrayList<>();

    /** Where a restore reads again forgets applied before its checkpoint: applied when read. */
    private final Map<Position, String> restoredApplied = new HashMap<>();

    private record Position(int partition, long offset) {}

    /**
     * The partition of a {@link #releasedUnapplied} entry in {@link #appliedForgetsState}, its
     * offset when the forget was read. A version that knows only -1 takes it for a forget applied
     * over {@link #FORGET_WAIT_MS} ago, and drops it.
     */
    static final int RELEASED = -2;

    /**
     * Requests in {@link #held} and those released unapplied: written by the task thread, read by
     * the metrics thread (a gauge), which must not iterate the maps the task thread changes.
     */
    private volatile int heldCount;

    private volatile long released;

    private record Waiting(DirectRequest forget, long sinceMs) {}

    /**
     * @param start the first offset to deal with per partition (restored or where reading starts)
     */
    DirectRequestLedger(Map<Integer, Long> start) {
        this(start, List.of(), 0L, EarlierOwners.NONE);
    }

    /**
     * @param start the first offset to deal with per partition (restored or where reading starts)
     * @param applied this subtask's users' entries of {@link #appliedForgetsState} in the restored
     *     checkpoint
     * @param nowMs when the ledger starts: a restored forget applied before it was read waits for
     *     its reading until {@link #FORGET_WAIT_MS} after it was applied, as it would have without
     *     the restore (one applied longer ago is dropped, so a stale one never cancels a new forget
     *     of its user)
     * @param earlierOwners where the subtasks before a rescale had dealt with each partition
     */
    DirectRequestLedger(
            Map<Integer, Long> start,
            List<Tuple4<Integer, Integer, Long, String>> applied,
            long nowMs,
            EarlierOwners earlierOwners) {
        this.earlierOwners = earlierOwners;
        next.putAll(start);
        for (Tuple4<Integer, Integer, Long, String> a : applied) {
            if (a.f1 == RELEASED) {
                if (nowMs - a.f2 <= LATE_FORGET_MS) {
                    releasedUnapplied.computeIfAbsent(a.f3, u -> new ArrayDeque<>()).add(a.f2);
                }
            } else if (a.f1 < 0) {
                if (nowMs - a.f2 <= FORGET_WAIT_MS) {
                    appliedUnread.computeIfAbsent(a.f3, u -> new ArrayDeque<>()).add(a.f2);
                }
            } else {
                restoredApplied.put(new Position(a.f1, a.f2), a.f3);
            }
        }
    }

    /** The requests of {@code batch} to answer now, in order; the rest wait for forgets. */
    List<RecommendationRequest> accept(DirectRequestBatch batch, long nowMs) {
        List<RecommendationRequest> answer = new ArrayList<>(expire(nowMs));
        for (DirectRequest r : batch.requests()) {
            String user = r.userId();
            if (earlierOwners.dealtWith(r)) {
                if (r.isForget()) {
                    // applied: a restore from a checkpoint before this one reads it again
                    appliedRead.add(r);
                }
                continue;
            }
            if (r.isForget()) {
                if (restoredApplied.remove(new Position(r.partition(), r.offset()), user)
                        || cancelApplied(user)) {
                    appliedRead.add(r);
                } else {
                    forgetsAhead
                            .computeIfAbsent(user, u -> new ArrayDeque<>())
                            .add(new Waiting(r, nowMs));
                }
            } else if (forgetsAhead.containsKey(user)) {
                held.computeIfAbsent(user, u -> new ArrayList<>()).add(r);
                heldCount++;
            } else {
                answer.add(r.request());
            }
        }
        batch.nextOffsets().forEach((p, o) -> next.merge(p, o, Math::max));
        return answer;
    }

    /**
     * Serving has erased {@code user} (a forget marker's first copy): the requests that waited for
     * this forget, to answer now.
     */
    List<RecommendationRequest> forgetApplied(String user, long nowMs) {
        List<RecommendationRequest> answer = new ArrayList<>(expire(nowMs));
        // a user's forgets are applied in the order they were read, and a released one was read
        // before any still ahead: this is the released one, late, not one not read yet
        if (pollFirst(releasedUnapplied, user)) {
            return answer;
        }
        ArrayDeque<Waiting> ahead = forgetsAhead.get(user);
        if (ahead == null) {
            appliedUnread.computeIfAbsent(user, u -> new ArrayDeque<>()).add(nowMs);
            return answer;
        }
        appliedRead.add(ahead.poll().forget());
        if (ahead.isEmpty()) {
            forgetsAhead.remove(user);
            answer.addAll(release(user));
        }
        return answer;
    }

    private boolean cancelApplied(String user) {
        return pollFirst(appliedUnread, user);
    }

    /** Takes the user's first entry of {@code times}; whether there was one. */
    private static boolean pollFirst(Map<String, ArrayDeque<Long>> times, String user) {
        ArrayDeque<Long> ofUser = times.get(user);
        if (ofUser == null) {
            return false;
        }
        ofUser.poll();
        if (ofUser.isEmpty()) {
            times.remove(user);
        }
        return true;
    }

    private List<RecommendationRequest> release(String user) {
        List<RecommendationRequest> out = new ArrayList<>();
        List<DirectRequest> waiting = held.remove(user);
        if (waiting != null) {
            heldCount -= waiting.size();
            for (DirectRequest r : waiting) {
                out.add(r.request());
            }
        }
        return out;
    }

    /** Drops waits older than {@link #FORGET_WAIT_MS}; returns the requests that stop waiting. */
    private List<RecommendationRequest> expire(long nowMs) {
        long cutoff = nowMs - FORGET_WAIT_MS;
        appliedUnread.values().removeIf(times -> dropBefore(times, cutoff));
        long lateCutoff = nowMs - LATE_FORGET_MS;
        releasedUnapplied.values().removeIf(times -> dropBefore(times, lateCutoff));
        List<RecommendationRequest> out = new ArrayList<>();
        Iterator<Map.Entry<String, ArrayDeque<Waiting>>> users = forgetsAhead.entrySet().iterator();
        while (users.hasNext()) {
            Map.Entry<String, ArrayDeque<Waiting>> e = users.next();
            ArrayDeque<Waiting> ahead = e.getValue();
            while (!ahead.isEmpty() && ahead.peek().sinceMs() < cutoff) {
                releasedUnapplied
                        .computeIfAbsent(e.getKey(), u -> new ArrayDeque<>())
                        .add(ahead.poll().sinceMs());
            }
            if (ahead.isEmpty()) {
                users.remove();
                List<RecommendationRequest> freed = release(e.getKey());
                released += freed.size();
                out.addAll(freed);
            }
        }
        return out;
    }

    private static boolean dropBefore(ArrayDeque<Long> times, long cutoff) {
        while (!times.isEmpty() && times.peek() < cutoff) {
            times.poll();
        }
        return times.isEmpty();
    }

    /** Requests held behind a forget now (any thread). */
    int held() {
        return heldCount;
    }

    /**
     * Requests answered without their forget having been applied, after waiting their longest (any
     * thread).
     */
    long releasedUnapplied() {
        return released;
    }

    /**
     * Per partition, the first offset not dealt with: the next unread one, or the earliest held
     * request or unapplied forget of the partition.
     */
    Map<Integer, Long> positions() {
        Map<Integer, Long> out = new HashMap<>(next);
        for (ArrayDeque<Waiting> ahead : forgetsAhead.values()) {
            for (Waiting w : ahead) {
                lower(out, w.forget());
            }
        }
        for (List<DirectRequest> waiting : held.values()) {
            for (DirectRequest r : waiting) {
                lower(out, r);
            }
        }
        return out;
    }

    private static void lower(Map<Integer, Long> positions, DirectRequest r) {
        positions.merge(r.partition(), r.offset(), Math::min);
    }

    /**
     * The forgets serving has applied that a restore from a checkpoint taken now would read again,
     * as entries (subtask, partition, offset, user): those read at or above their partition's
     * position, and (partition -1, the offset being when it was applied) those not read yet, one
     * per forget; and the forgets released unapplied still awaited (partition {@link #RELEASED},
     * the offset being when they were read). Prunes the read ones below it, which no restore reads
     * again.
     */
    List<Tuple4<Integer, Integer, Long, String>> appliedForgetsState(int subtask) {
        Map<Integer, Long> positions = positions();
        appliedRead.removeIf(f -> f.offset() < positions.getOrDefault(f.partition(), 0L));
        restoredApplied
                .keySet()
                .removeIf(p -> p.offset() < positions.getOrDefault(p.partition(), 0L));
        List<Tuple4<Integer, Integer, Long, String>> out = new ArrayList<>();
        for (DirectRequest f : appliedRead) {
            out.add(Tuple4.of(subtask, f.partition(), f.offset(), f.userId()));
        }
        restoredApplied.forEach(
                (p, user) -> out.add(Tuple4.of(subtask, p.partition(), p.offset(), user)));
        appliedUnread.forEach(
                (user, times) -> times.forEach(t -> out.add(Tuple4.of(subtask, -1, t, user))));
        releasedUnapplied.forEach(
                (user, times) ->
                        times.forEach(t -> out.add(Tuple4.of(subtask, RELEASED, t, user))));
        return out;
    }

    /** The positions as operator-state entries of this subtask. */
    List<Tuple4<Integer, Integer, Integer, Long>> toState(int subtask, int parallelism) {
        return asState(positions(), subtask, parallelism);
    }

    /** Entries (subtask, parallelism, partition, offset) of {@code positions}. */
    static List<Tuple4<Integer, Integer, Integer, Long>> asState(
            Map<Integer, Long> positions, int subtask, int parallelism) {
        List<Tuple4<Integer, Integer, Integer, Long>> out = new ArrayList<>();
        positions.forEach((p, o) -> out.add(Tuple4.of(subtask, parallelism, p, o)));
        return out;
    }

    /**
     * Where subtask {@code subtask} of {@code parallelism} starts. Every subtask reads every
     * partition and answers its own users, and its positions are in the union state tagged with its
     * index: at the same parallelism a subtask takes its own (an answer committed before the
     * checkpoint is not given again, which exactly-once results rely on). After a rescale users
     * move between subtasks, so each takes the lowest position per partition of all: nothing is
     * skipped, and what the users' old owners had dealt with is skipped by {@link EarlierOwners}. A
     * partition that some old subtask's entries lack (added to the topic, and found by only some
     * subtasks before the checkpoint) that subtask had read nothing of: it is left out, so it
     * starts at its earliest offset, as a partition missing from a subtask's own positions does.
     */
    static Map<Integer, Long> restore(
            Iterable<Tuple4<Integer, Integer, Integer, Long>> entries,
            int subtask,
            int parallelism) {
        Map<Integer, Long> own = new HashMap<>();
        Map<Integer, Long> lowest = new HashMap<>();
        Set<List<Integer>> writers = new HashSet<>();
        Map<Integer, Set<List<Integer>>> writersOf = new HashMap<>();
        boolean sameParallelism = true;
        for (Tuple4<Integer, Integer, Integer, Long> e : entries) {
            sameParallelism &= e.f1 == parallelism;
            lowest.merge(e.f2, e.f3, Math::min);
            List<Integer> writer = List.of(e.f0, e.f1);
            writers.add(writer);
            writersOf.computeIfAbsent(e.f2, p -> new HashSet<>()).add(writer);
            if (e.f0 == subtask) {
                own.merge(e.f2, e.f3, Math::min);
            }
        }
        if (sameParallelism && !own.isEmpty()) {
            return own;
        }
        lowest.keySet().removeIf(p -> !writersOf.get(p).containsAll(writers));
        return lowest;
    }
}
