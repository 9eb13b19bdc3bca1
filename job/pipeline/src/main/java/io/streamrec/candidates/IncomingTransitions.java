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
    // shared while a list is empty (an item no transition has reached yet holds no arrays of its
    // own); declared before NONE, which uses it
    private static final int[] EMPTY = new int[0];

    static final IncomingTransitions NONE = new IncomingTransitions();

    /** Lists up to this long are scanned; longer ones (a popular item's) get a hash index. */
    private static final int SCANNED = 16;

    private int[] from = EMPTY;
    private int[] weights = EMPTY;
    private int size;

    /**
     * Open addressing from an item to its entry + 1 (0: empty), at most half full; null while the
     * list is short, and after a removal until the next lookup rebuilds it.
     */
    private int[] index;

    /** Entries, in no particular order. */
    public int size() {
        return size;
    }

    /** The item {@code a} of entry {@code s}. */
    public int from(int s) {
        return from[s];
    }

    /** {@code T[a][b]} of entry {@code s}. */
    public int weightAt(int s) {
        return weights[s];
    }

    /**
     * Adds {@code amount} to {@code a}'s weight, {@code amount} for a new one; a weight stops at
     * {@link Integer#MAX_VALUE}, as a {@link BoundedCounts} count does.
     */
    void add(int a, int amount) {
        int s = slotOf(a);
        if (s >= 0) {
            weights[s] = (int) Math.min(Integer.MAX_VALUE, (long) weights[s] + amount);
            return;
        }
        if (size == from.length) {
            int grown = Math.max(4, size + (size >> 1)); // by half: less unused room once grown
            from = Arrays.copyOf(from, grown);
            weights = Arrays.copyOf(weights, grown);
        }
        from[size] = a;
        weights[size++] = amount;
        if (index != null) {
            if (2 * size > index.length) {
                index = null; // rebuilt larger at the next lookup
            } else {
                place(a, size - 1);
            }
        }
    }

    void remove(int a) {
        int s = slotOf(a);
        if (s >= 0) {
            size--;
            from[s] = from[size];
            weights[s] = weights[size];
            index = null; // evictions are rare here: rebuilt at the next lookup of a long list
        }
    }

    /** {@code a}'s weight, 0 when {@code a} has no transition into the item. */
    int weight(int a) {
        int s = slotOf(a);
        return s < 0 ? 0 : weights[s];
    }

    private int slotOf(int a) {
        if (size <= SCANNED) {
            for (int s = 0; s < size; s++) {
                if (from[s] == a) {
                    return s;
                }
            }
            return -1;
        }
        if (index == null) {
            index = new int[Integer.highestOneBit(size) * 4];
            for (int s = 0; s < size; s++) {
                place(from[s], s);
            }
        }
        int mask = index.length - 1;
        for (int h = hash(a) & mask; ; h = (h + 1) & mask) {
            int entry = index[h];
            if (entry == 0) {
                return -1;
            }
            if (from[entry - 1] == a) {
                return entry - 1;
            }
        }
    }

    private void place(int a, int slot) {
        int mask = index.length - 1;
        int h = hash(a) & mask;
        while (index[h] != 0) {
            h = (h + 1) & mask;
        }
        index[h] = slot + 1;
    }

    private static int hash(int a) {
        int h = a * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
