package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.RecommendationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple4;
import org.junit.jupiter.api.Test;

/** What earlier runs' serving subtasks had dealt with, across a rescale and a later failover. */
class EarlierOwnersTest {
    private static DirectRequest request(long offset, String user) {
        return new DirectRequest(
                0, offset, new RecommendationRequest("r" + offset, user, 10, 1_000L));
    }

    private static String userOwnedBy(int subtask, int parallelism) {
        for (int i = 0; ; i++) {
            if (UserOwner.of("u" + i, parallelism) == subtask) {
                return "u" + i;
            }
        }
    }

    /**
     * Run A (2 subtasks) had dealt with partition 0 up to 100 (subtask 0) and 60 (subtask 1). Run B
     * (3 subtasks) starts at 60 and checkpoints at 65, below A's 100: the checkpoint keeps A's
     * entry, so B restored after a failover still skips what A's subtask 0 had answered; once B's
     * own position passes 100 the entry is dropped.
     */
    @Test
    void aFailoverSoonAfterARescaleStillSkipsWhatTheEarlierRunDealtWith() {
        List<Tuple4<Integer, Integer, Integer, Long>> runA =
                new ArrayList<>(DirectRequestLedger.asState(Map.of(0, 100L), 0, 2));
        runA.addAll(DirectRequestLedger.asState(Map.of(0, 60L), 1, 2));
        EarlierOwners rescaled = EarlierOwners.of(runA, List.of(), 3);
        String ofA0 = userOwnedBy(0, 2);
        assertThat(rescaled.dealtWith(request(70, ofA0))).isTrue();
        assertThat(rescaled.dealtWith(request(100, ofA0))).isFalse();
        assertThat(rescaled.dealtWith(request(70, userOwnedBy(1, 2)))).isFalse();

        List<Tuple4<Integer, Integer, Integer, Long>> kept = rescaled.toState(Map.of(0, 65L));
        assertThat(kept).containsExactly(Tuple4.of(0, 2, 0, 100L));
        List<Tuple4<Integer, Integer, Integer, Long>> runB =
                DirectRequestLedger.asState(Map.of(0, 65L), 0, 3);
        EarlierOwners afterFailover = EarlierOwners.of(runB, kept, 3);
        assertThat(afterFailover.dealtWith(request(70, ofA0))).isTrue();

        assertThat(afterFailover.toState(Map.of(0, 101L))).isEmpty();
        assertThat(EarlierOwners.of(runB, List.of(), 3)).isEqualTo(EarlierOwners.NONE);
    }
}
