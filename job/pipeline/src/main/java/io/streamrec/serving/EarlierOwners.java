package io.streamrec.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple4;

/**
 * Where the serving subtasks of earlier runs at other parallelisms had dealt with each partition of
 * the requests topic (the first offset each had not), by run parallelism and subtask index. A
 * user's request or forget below the position of its owner in such a run was answered or applied
 * before that run's checkpoint, so a subtask that starts lower after a rescale (at the lowest
 * position of all) does not answer it again.
 *
 * <p>Kept in checkpoints ({@code direct-request-earlier-owners}) while some subtask's own position
 * is still below one of them, so that a failover soon after a rescale, which restores the new run's
 * own lower positions, still skips what the earlier run had dealt with. Each run's positions cover
 * what it skipped, so a chain of rescales stays right.
 */
record EarlierOwners(Map<Integer, Map<Integer, Map<Integer, Long>>> byParallelism) {
    static final EarlierOwners NONE = new EarlierOwners(Map.of());

    /** Whether the owner of the request's user in an earlier run had dealt with it. */
    boolean dealtWith(DirectRequest r) {
        for (Map.Entry<Integer, Map<Integer, Map<Integer, Long>>> run : byParallelism.entrySet()) {
            Map<Integer, Long> owner = run.getValue().get(UserOwner.of(r.userId(), run.getKey()));
            Long position = owner == null ? null : owner.get(r.partition());
            if (position != null && r.offset() < position) {
                return true;
            }
        }
        return false;
    }

    /**
     * From a restored checkpoint: the positions {@code positions} (subtask, parallelism, partition,
     * offset) when they were written at another parallelism than {@code parallelism}, all at one,
     * and the {@code carried} ones of runs before. Two statements of one subtask of one parallelism
     * are both true (each says all below was dealt with), so the higher counts.
     */
    static EarlierOwners of(
            Iterable<Tuple4<Integer, Integer, Integer, Long>> positions,
            Iterable<Tuple4<Integer, Integer, Integer, Long>> carried,
            int parallelism) {
        Map<Integer, Map<Integer, Map<Integer, Long>>> runs = new HashMap<>();
        List<Tuple4<Integer, Integer, Integer, Long>> written = new ArrayList<>();
        positions.forEach(written::add);
        boolean rescaled =
                !written.isEmpty()
                        && written.stream().allMatch(e -> e.f1.equals(written.get(0).f1))
                        && written.get(0).f1 != parallelism;
        if (rescaled) {
            written.forEach(e -> add(runs, e));
        }
        carried.forEach(e -> add(runs, e));
        return runs.isEmpty() ? NONE : new EarlierOwners(runs);
    }

    private static void add(
            Map<Integer, Map<Integer, Map<Integer, Long>>> runs,
            Tuple4<Integer, Integer, Integer, Long> e) {
        runs.computeIfAbsent(e.f1, p -> new HashMap<>())
                .computeIfAbsent(e.f0, s -> new HashMap<>())
                .merge(e.f2, e.f3, Math::max);
    }

    /**
     * The entries (subtask, parallelism, partition, offset) a checkpoint keeps: those still above
     * {@code own} position of their partition (all of a partition {@code own} lacks). Every subtask
     * writes its own view into a union state, so an entry stays while any subtask still needs it.
     */
    List<Tuple4<Integer, Integer, Integer, Long>> toState(Map<Integer, Long> own) {
        List<Tuple4<Integer, Integer, Integer, Long>> out = new ArrayList<>();
        for (var run : byParallelism.entrySet()) {
            for (var subtask : run.getValue().entrySet()) {
                for (var position : subtask.getValue().entrySet()) {
                    Long mine = own.get(position.getKey());
                    if (mine == null || position.getValue() > mine) {
                        out.add(
                                Tuple4.of(
                                        subtask.getKey(),
                                        run.getKey(),
                                        position.getKey(),
                                        position.getValue()));
                    }
                }
            }
        }
        return out;
    }
}
