package io.streamrec.candidates;

import java.util.Arrays;

/**
 * The items with a transition into one item, {@code T[a][b]} for a fixed {@code b}, each with the
 * weight {@code b} has in {@code a}'s capped row of T: a mirror of those rows kept by {@link
 * ItemPairs} (an eviction from a row leaves it here too), so that a feature reading {@code T[j][b]}
 * for many {@code j} reads this one list instead of scanning each {@code j}'s row. Not
 * checkpointed: rebuilt from the rows on restore.
 */
public final class IncomingTransitions {
    static final IncomingTransitions NONE = new IncomingTransitions();

    private int[] from = new int[0];
    private double[] weights = new double[0];
    private int size;

    /** Entries, in no particular order. */
    public int size() {
        return size;
    }

    /** The item {@code a} of entry {@code s}. */
    public int from(int s) {
        return from[s];
    }

    /** {@code T[a][b]} of entry {@code s}. */
    public double weightAt(int s) {
        return weights[s];
    }

    /** Adds {@code amount} to {@code a}'s weight, {@code amount} for a new one. */
    void add(int a, double amount) {
        int s = slotOf(a);
        if (s >= 0) {
            weights[s] += amount;
            return;
        }
        if (size == from.length) {
            int grown = Math.max(4, size * 2);
            from = Arrays.copyOf(from, grown);
            weights = Arrays.copyOf(weights, grown);
        }
        from[size] = a;
        weights[size++] = amount;
    }

    void remove(int a) {
        int s = slotOf(a);
        if (s >= 0) {
            size--;
            from[s] = from[size];
            weights[s] = weights[size];
        }
    }

    /** {@code a}'s weight, 0 when {@code a} has no transition into the item. */
    double weight(int a) {
        int s = slotOf(a);
        return s < 0 ? 0.0 : weights[s];
    }

    private int slotOf(int a) {
        for (int s = 0; s < size; s++) {
            if (from[s] == a) {
                return s;
            }
        }
        return -1;
    }
}
