package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CandidateRowsTest {
    @Test
    void eachDistinctItemGetsOneRowOfZerosAndOtherItemsNone() {
        CandidateRows rows = new CandidateRows(2);
        rows.reset(new int[] {5, -1, 40, 5, 3}, 5);

        assertThat(rows.rowOf(5)).isEqualTo(0);
        assertThat(rows.rowOf(40)).isEqualTo(2);
        assertThat(rows.rowOf(3)).isEqualTo(4);
        assertThat(rows.rowOf(4)).isEqualTo(-1);
        assertThat(rows.rowOf(1_000)).isEqualTo(-1); // beyond every item seen
        assertThat(rows.values()).startsWith(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    }

    @Test
    void aResetDropsThePreviousRowsAndZeroesTheNewOnes() {
        CandidateRows rows = new CandidateRows(2);
        rows.reset(new int[] {7, 2}, 2);
        rows.values()[rows.rowOf(7) + 1] = 3.0;
        rows.values()[rows.rowOf(2)] = 4.0;

        rows.reset(new int[] {2, 9, 0}, 2); // only the first two count

        assertThat(rows.rowOf(7)).isEqualTo(-1);
        assertThat(rows.rowOf(0)).isEqualTo(-1);
        assertThat(rows.rowOf(2)).isEqualTo(0);
        assertThat(rows.rowOf(9)).isEqualTo(2);
        assertThat(rows.values()).startsWith(0.0, 0.0, 0.0, 0.0);
    }
}
