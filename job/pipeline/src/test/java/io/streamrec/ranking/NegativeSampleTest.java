package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NegativeSampleTest {
    @Test
    void keepsTheTargetAndAboutTheShareOfTheOthers() {
        int kept = 0;
        int others = 0;
        for (int e = 0; e < 2_000; e++) {
            int target = e % 50;
            boolean[] rows = NegativeSample.rows("event-" + e, 50, target, 0.25);
            assertThat(rows[target]).isTrue();
            int n = NegativeSample.kept(rows, 50);
            kept += n - 1;
            others += 49;
        }
        assertThat((double) kept / others).isCloseTo(0.25, within(0.01));
    }

    @Test
    void theSameEventKeepsTheSameRowsAndAnotherOtherRows() {
        assertThat(NegativeSample.rows("e1", 120, 3, 0.25))
                .containsExactly(NegativeSample.rows("e1", 120, 3, 0.25));
        assertThat(NegativeSample.rows("e2", 120, 3, 0.25))
                .isNotEqualTo(NegativeSample.rows("e1", 120, 3, 0.25));
    }

    @Test
    void aShareOfOneKeepsEveryRowAndNoneOutsideOneIsAShare() {
        assertThat(NegativeSample.rows("e1", 120, 3, 1.0)).isNull();
        assertThat(NegativeSample.kept(null, 120)).isEqualTo(120);
        assertThat(NegativeSample.correction(1.0)).isZero();
        assertThat(NegativeSample.correction(0.25)).isCloseTo((float) Math.log(4), within(1e-6f));
        for (double bad : new double[] {0.0, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> NegativeSample.rows("e1", 10, 0, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("training negatives share");
        }
    }

    @Test
    void theKeptIndicesItemsSlotsAndTargetIndexAgreeWithTheRows() {
        boolean[] rows = {true, false, false, true, true, false};
        assertThat(NegativeSample.keptItems(List.of("a", "b", "c", "d", "e", "f"), rows))
                .containsExactly("a", "d", "e");
        assertThat(NegativeSample.keptSlots(new int[] {10, 11, 12, 13, 14, 15}, rows))
                .containsExactly(10, 13, 14);
        assertThat(NegativeSample.keptRowIndices(rows, 6)).containsExactly(0, 3, 4);
        assertThat(NegativeSample.keptRowIndices(null, 3)).containsExactly(0, 1, 2);
        assertThat(NegativeSample.keptIndex(rows, 0)).isZero();
        assertThat(NegativeSample.keptIndex(rows, 3)).isEqualTo(1);
        assertThat(NegativeSample.keptIndex(rows, 4)).isEqualTo(2);
    }
}
