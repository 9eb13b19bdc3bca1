package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/**
 * One item's (or user's) neighbours by index, with a weight each, at most {@code cap} of them: when
 * a new neighbour would make one too many, the weakest is evicted, ties going to the one updated
 * least recently. So a newcomer with weight 1 enters a full list of counts only by replacing a
 * stale count of 1, and a list of decayed weights (anchored, see {@link HalfLife}) keeps the
 * strongest at the current time.
 *
 * <p>Three parallel arrays in slot order, plus, once a list holds {@value #INDEXED_FROM} or more,
 * an open-addressing index from key to slot: lists near their cap are searched on every event for
 * every recent item or user, and a linear scan of a few hundred ints dominated the serving thread.
 * An entry costs 20 bytes, and 8 to 16 more in the index of a long list.
 */
public final class BoundedNeighbours {
    private final int cap;
    private int size;
    private int[] keys = new int[4];
    private double[] weights = new double[4];
    private long[] touched = new long[4];
    private long clock;

    /**
     * Slot + 1 per key by linear probing, 0 for an empty cell; null while the list is short. Kept
     * at most half full, so a probe sequence stays short.
     */
    private int[] index;

    private static final int INDEXED_FROM = 16;

    public BoundedNeighbours(int cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive: " + cap);
        }
        this.cap = cap;
    }

    /**
     * Writes the neighbours in slot order (the order readers sum them in), each with its key,
     * weight and recency rank among the list: the ranks order ties exactly as the update clock did,
     * and a list written again after a read gives the same bytes.
     */
    public void writeTo(DataOutput out) throws IOException {
        int[] ranks = recencyRanks();
        out.writeInt(size);
        for (int s = 0; s < size; s++) {
            out.writeInt(keys[s]);
            out.writeDouble(weights[s]);
            out.writeInt(ranks[s]);
        }
    }

    /** The list {@link #writeTo} wrote, with at most {@code cap} neighbours. */
    public static BoundedNeighbours readFrom(DataInput in, int cap) throws IOException {
        BoundedNeighbours n = new BoundedNeighbours(cap);
        int size = in.readInt();
        if (size < 0 || size > cap) {
            throw new IOException("neighbour list of " + size + " entries, cap " + cap);
        }
        int capacity = Math.max(4, size);
        n.keys = new int[capacity];
        n.weights = new double[capacity];
        n.touched = new long[capacity];
        for (int s = 0; s < size; s++) {
            n.keys[s] = in.readInt();
            n.weights[s] = in.readDouble();
            n.touched[s] = in.readInt();
            if (n.touched[s] < 1 || n.touched[s] > size) {
                throw new IOException("recency rank " + n.touched[s] + " of " + size);
            }
        }
        n.size = size;
        n.clock = size;
        n.reindex();
        return n;
    }

    /** 1 for the least recently updated slot, {@code size} for the latest (stamps are unique). */
    private int[] recencyRanks() {
        long[] sorted = Arrays.copyOf(touched, size);
        Arrays.sort(sorted);
        int[] ranks = new int[size];
        for (int s = 0; s < size; s++) {
            ranks[s] = Arrays.binarySearch(sorted, touched[s]) + 1;
        }
        return ranks;
    }

    /** Adds {@code amount} to the neighbour's weight (a new neighbour starts at 0). */
    public void add(int key, double amount) {
        merge(key, amount, Double::sum);
    }

    /**
     * Sets the weight to {@code combine(old, value)}, or to {@code value} for a new neighbour,
     * which may evict the weakest (the newcomer itself when it is strictly the weakest).
     */
    public void merge(int key, double value, DoubleBinaryOperator combine) {
        int slot = slotOf(key);
        if (slot >= 0) {
            weights[slot] = combine.applyAsDouble(weights[slot], value);
            touched[slot] = ++clock;
            return;
        }
        if (size == keys.length) {
            int grown = Math.min(cap + 1, size * 2);
            keys = Arrays.copyOf(keys, grown);
            weights = Arrays.copyOf(weights, grown);
            touched = Arrays.copyOf(touched, grown);
        }
        keys[size] = key;
        weights[size] = value;
        touched[size] = ++clock;
        size++;
        if (index == null || 2 * size > index.length) {
            reindex();
        } else {
            indexPut(key, size - 1);
        }
        if (size > cap) {
            remove(weakest());
        }
    }

    private int slotOf(int key) {
        if (index != null) {
            int mask = index.length - 1;
            for (int cell = cellOf(key, mask); index[cell] != 0; cell = (cell + 1) & mask) {
                if (keys[index[cell] - 1] == key) {
                    return index[cell] - 1;
                }
            }
            return -1;
        }
        for (int s = 0; s < size; s++) {
            if (keys[s] == key) {
                return s;
            }
        }
        return -1;
    }

    private static int cellOf(int key, int mask) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** Builds the index afresh (or drops it for a short list), sized for twice the entries. */
    private void reindex() {
        if (size < INDEXED_FROM) {
            index = null;
            return;
        }
        index = new int[Integer.highestOneBit(size * 4 - 1)];
        for (int s = 0; s < size; s++) {
            indexPut(keys[s], s);
        }
    }

    private void indexPut(int key, int slot) {
        int mask = index.length - 1;
        int cell = cellOf(key, mask);
        while (index[cell] != 0 && keys[index[cell] - 1] != key) {
            cell = (cell + 1) & mask;
        }
        index[cell] = slot + 1;
    }

    /** Removes a key's cell, shifting later cells of its probe run back (no tombstones). */
    private void indexRemove(int key) {
        int mask = index.length - 1;
        int cell = cellOf(key, mask);
        while (keys[index[cell] - 1] != key) {
            cell = (cell + 1) & mask;
        }
        int next = (cell + 1) & mask;
        while (index[next] != 0) {
            int home = cellOf(keys[index[next] - 1], mask);
            // move the entry back into the hole unless its home lies cyclically in (cell, next]
            if (((next - home) & mask) >= ((next - cell) & mask)) {
                index[cell] = index[next];
                cell = next;
            }
            next = (next + 1) & mask;
        }
        index[cell] = 0;
    }

    private int weakest() {
        int w = 0;
        for (int s = 1; s < size; s++) {
            if (weights[s] < weights[w] || (weights[s] == weights[w] && touched[s] < touched[w])) {
                w = s;
            }
        }
        return w;
    }

    private void remove(int slot) {
        if (index != null) {
            indexRemove(keys[slot]);
            if (slot != size - 1) {
                indexRemove(keys[size - 1]);
                keys[slot] = keys[size - 1];
                indexPut(keys[slot], slot);
            }
        }
        size--;
        keys[slot] = keys[size];
        weights[slot] = weights[size];
        touched[slot] = touched[size];
    }

    /** The neighbour's weight, 0 when it is not (or no longer) a neighbour. */
    public double weight(int key) {
        int slot = slotOf(key);
        return slot < 0 ? 0.0 : weights[slot];
    }

    public int size() {
        return size;
    }

    /** The neighbour at slot {@code i}, {@code 0 <= i < size()}; slot order is arbitrary. */
    public int key(int i) {
        return keys[i];
    }

    /** The weight at slot {@code i}. */
    public double weightAt(int i) {
        return weights[i];
    }

    /** Neighbours, strongest first, ties by lower index. */
    public int[] strongest() {
        Integer[] order = new Integer[size];
        for (int s = 0; s < size; s++) {
            order[s] = s;
        }
        Arrays.sort(
                order,
                (a, b) -> {
                    int byWeight = Double.compare(weights[b], weights[a]);
                    return byWeight != 0 ? byWeight : Integer.compare(keys[a], keys[b]);
                });
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = keys[order[i]];
        }
        return out;
    }
}
