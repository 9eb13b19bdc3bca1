package io.streamrec.ranking;

import java.util.Arrays;

/**
 * Scratch sums for one feature extraction, a row of {@code width} doubles per candidate item, found
 * by item index through an array over all items. The spreads that fill the rows visit thousands of
 * items (every neighbour of the user's latest items, every latest item of the similar users) of
 * which only the candidates are read: a lookup here is one array read, with no hashing or probing,
 * and the rows themselves are as many as the candidates, so they stay in cache.
 */
final class CandidateRows {
    private static final int NONE = -1;

    private final int width;

    /** Per item index: the offset of its row in {@link #values}, {@link #NONE} for the others. */
    private int[] rowOf = new int[0];

    private double[] values = new double[0];

    /** The items given rows by the last {@link #reset}, so the next reset clears only them. */
    private int[] items = new int[0];

    private int rows;

    CandidateRows(int width) {
        this.width = width;
    }

    /**
     * Gives each distinct non-negative item of {@code item[0..n)} a row of zeros, and drops the
     * rows of the previous call.
     */
    void reset(int[] item, int n) {
        for (int r = 0; r < rows; r++) {
            rowOf[items[r]] = NONE;
        }
        rows = 0;
        if (items.length < n) {
            items = new int[n];
        }
        if (values.length < n * width) {
            values = new double[n * width];
        }
        for (int c = 0; c < n; c++) {
            int i = item[c];
            if (i < 0) {
                continue;
            }
            if (i >= rowOf.length) {
                int old = rowOf.length;
                rowOf = Arrays.copyOf(rowOf, Math.max(i + 1, 2 * old));
                Arrays.fill(rowOf, old, rowOf.length, NONE);
            }
            if (rowOf[i] == NONE) {
                rowOf[i] = rows * width;
                items[rows++] = i;
            }
        }
        Arrays.fill(values, 0, rows * width, 0.0);
    }

    /** The offset of the item's row in {@link #values()}, -1 when the item has none. */
    int rowOf(int item) {
        return item < rowOf.length ? rowOf[item] : NONE;
    }

    /** The rows' storage. */
    double[] values() {
        return values;
    }
}
