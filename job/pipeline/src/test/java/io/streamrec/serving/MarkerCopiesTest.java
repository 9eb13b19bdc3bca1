package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EvalMarker;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.junit.jupiter.api.Test;

/** Which copy of a marker is its first, and the entries kept across a restore. */
class MarkerCopiesTest {
    private static EvalMarker marker(long batchId, int copies) {
        return new EvalMarker(batchId, copies, List.of(), List.of());
    }

    @Test
    void onlyTheFirstCopyIsTheFirstAndTheLastEndsTheEntry() {
        MarkerCopies copies = new MarkerCopies();
        assertThat(copies.firstCopy(marker(7, 3))).isTrue();
        assertThat(copies.firstCopy(marker(8, 2))).isTrue();
        assertThat(copies.firstCopy(marker(7, 3))).isFalse();
        assertThat(copies.toState()).containsExactlyInAnyOrder(Tuple2.of(7L, 2), Tuple2.of(8L, 1));

        assertThat(copies.firstCopy(marker(7, 3))).isFalse();
        assertThat(copies.toState()).containsExactly(Tuple2.of(8L, 1));
    }

    @Test
    void aMarkerOfOneCopyLeavesNoEntry() {
        MarkerCopies copies = new MarkerCopies();
        assertThat(copies.firstCopy(EvalMarker.forget(9, 1, "u1"))).isTrue();
        assertThat(copies.toState()).isEmpty();
    }

    /** Each subtask's entries come to every subtask (union state): the most copies count. */
    @Test
    void aRestoreTakesTheMostCopiesAnyEntrySaw() {
        MarkerCopies copies = new MarkerCopies();
        copies.restore(List.of(Tuple2.of(7L, 1), Tuple2.of(8L, 2)));
        copies.restore(List.of(Tuple2.of(7L, 2), Tuple2.of(8L, 1)));
        assertThat(copies.toState()).containsExactlyInAnyOrder(Tuple2.of(7L, 2), Tuple2.of(8L, 2));

        assertThat(copies.firstCopy(marker(7, 3))).isFalse();
        assertThat(copies.toState()).containsExactly(Tuple2.of(8L, 2));
    }
}
