package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The ids asked for lately: matched by identity, a shared slot told apart, unknown ids not kept.
 */
class RowTableTest {
    private static final int D = 2;

    @Test
    void askIndexAnswersEachIdWithItsOwnIndexWhicheverStringAsks() {
        RowTable rows = new RowTable(D);
        String first = "Aa";
        String second = "BB"; // the same hash as "Aa": one slot of the ids asked lately
        assertThat(first.hashCode()).isEqualTo(second.hashCode());
        assertThat(rows.askIndex(first)).as("not an item yet").isEqualTo(-1);
        int a = rows.addItem(first, new float[D + 1]);
        assertThat(rows.askIndex(first)).as("asked before it was an item").isEqualTo(a);
        int b = rows.addItem(second, new float[D + 1]);
        assertThat(b).isNotEqualTo(a);
        assertThat(rows.askIndex(second)).isEqualTo(b); // takes the slot from "Aa"
        assertThat(rows.askIndex(first)).isEqualTo(a);
        assertThat(rows.askIndex(first)).as("now from the slot").isEqualTo(a);
        assertThat(rows.askIndex(new String(second.toCharArray()))).isEqualTo(b);
        assertThat(rows.askIndex(first)).isEqualTo(a);
        assertThat(rows.askIndex("Ab")).isEqualTo(-1);
    }
}
