package io.streamrec.serving;

import io.streamrec.schema.EvalMarker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * The copies seen of each evaluation marker whose last copy has not come yet. A marker comes once
 * per parameter-server shard, each shard sending it before the batch's rows; only the first copy is
 * acted on, since at a later one rows of the batch may already be applied. Kept across restores as
 * entries (batch id, copies seen).
 */
final class MarkerCopies {
    private final Map<Long, Integer> seen = new HashMap<>();

    /** Counts a copy of {@code marker}; whether it is the first. Its last copy ends its entry. */
    boolean firstCopy(EvalMarker marker) {
        int copies = seen.merge(marker.batchId(), 1, Integer::sum);
        if (copies >= marker.copies()) {
            seen.remove(marker.batchId());
        }
        return copies == 1;
    }

    /**
     * Takes restored entries. Every subtask sees every copy of every marker (broadcast), so each
     * subtask's entries are the same set: the most copies any subtask saw is what this one saw.
     * That holds under unaligned checkpoints too: Flink checkpoints no broadcast input unaligned,
     * so serving's barriers stay aligned, every subtask snapshots after the same records of each
     * shard, and the copies in flight at a checkpoint come again to every subtask from the shards
     * (their input's channel state), none from a serving subtask's own (pinned by {@code
     * StreamrecJobTopologyTest#servingsInputStaysAlignedUnderUnalignedCheckpoints}).
     */
    void restore(Iterable<Tuple2<Long, Integer>> entries) {
        for (Tuple2<Long, Integer> e : entries) {
            seen.merge(e.f0, e.f1, Math::max);
        }
    }

    /** The entries (batch id, copies seen) of the markers whose last copy has not come. */
    List<Tuple2<Long, Integer>> toState() {
        List<Tuple2<Long, Integer>> entries = new ArrayList<>();
        seen.forEach((id, n) -> entries.add(Tuple2.of(id, n)));
        return entries;
    }
}
