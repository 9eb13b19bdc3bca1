package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/**
 * One user's (or item's) neighbours by index, with a weight each, at most {@code cap} of them: when
 * a new neighbour would make one too many, the weakest is evicted, ties going to the one updated
 * least recently ({@link BoundedSlots}). So a list of decayed weights (anchored, see {@link
 * HalfLife}) keeps the strongest at the current time. Counts, which only grow by one, are {@link
 * BoundedCounts}.
 *
 * <p>An entry costs 16 bytes.
 */
public final class BoundedNeighbours extends BoundedSlots {
    private static final double[] NO_WEIGHTS = new double[0];

    private double[] weights = NO_WEIGHTS;

    public BoundedNeighbours(int cap) {
        this(cap, 0);
    }

    /** A list whose update clock starts at {@code clock} (tests of the clock's overflow). */
    BoundedNeighbours(int cap, int clock) {
        super(cap, clock);
    }

    /**
     * The list {@link #writeTo} wrote, with at most {@code cap} neighbours, {@code keys} checked.
     */
    public static BoundedNeighbours readFrom(DataInput in, int cap, RestoredKeys keys)
            throws IOException {
        BoundedNeighbours n = new BoundedNeighbours(cap);
        n.readSlots(in, true, keys);
        return n;
    }

    /** A list as statistics versions 1 to 3 wrote it ({@link BoundedSlots#readSlots}). */
    public static BoundedNeighbours readRankedFrom(DataInput in, int cap, RestoredKeys keys)
            throws IOException {
        BoundedNeighbours n = new BoundedNeighbours(cap);
        n.readSlots(in, false, keys);
        return n;
    }

    @Override
    int grownCapacity(int size) {
        return size * 2;
    }

    @Override
    void resizeWeights(int capacity) {
        weights = Arrays.copyOf(weights, capacity);
    }

    @Override
    void moveWeight(int from, int to) {
        weights[to] = weights[from];
    }

    /**
     * A scan: decayed weights rarely tie, so its comparisons go the same way slot after slot
     * (packing them as {@link BoundedCounts} does would not pay).
     */
    @Override
    int weakest() {
        int[] stamps = stamps();
        int w = 0;
        for (int s = 1; s < size(); s++) {
            if (weights[s] < weights[w] || (weights[s] == weights[w] && stamps[s] < stamps[w])) {
                w = s;
            }
        }
        return w;
    }

    @Override
    void writeWeight(DataOutput out, int slot) throws IOException {
        out.writeDouble(weights[slot]);
    }

    @Override
    void readWeight(DataInput in, int slot) throws IOException {
        weights[slot] = in.readDouble();
    }

    /**
     * A copy with every key {@code k} replaced by {@code toNew[k]} (ids indexed differently
     * elsewhere); a key mapped to -1 is dropped. Weights, slot order and recency are kept.
     */
    BoundedNeighbours withKeys(int[] toNew) {
        BoundedNeighbours n = new BoundedNeighbours(cap());
        int[] from = n.copyRenumbered(this, toNew);
        for (int s = 0; s < from.length; s++) {
            n.weights[s] = weights[from[s]];
        }
        return n;
    }

    /** Removes the neighbour {@code key} if present. */
    public void removeKey(int key) {
        int slot = slotOf(key);
        if (slot >= 0) {
            remove(slot);
        }
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
            touch(slot);
            return;
        }
        int added = newSlot(key); // first: it may replace the array
        weights[added] = value;
        evictOverCap();
    }

    /** The neighbour's weight, 0 when it is not (or no longer) a neighbour. */
    public double weight(int key) {
        return weight(key, 0.0);
    }

    /**
     * The neighbour's weight, {@code absent} when it is not a neighbour: for anchored weights (see
     * {@link HalfLife}) no weight at all is {@code -Infinity}, not 0.
     */
    public double weight(int key, double absent) {
        int slot = slotOf(key);
        return slot < 0 ? absent : weights[slot];
    }

    /** The weight at slot {@code i}. */
    public double weightAt(int i) {
        return weights[i];
    }

    /** Neighbours, strongest first, ties by lower index. */
    public int[] strongest() {
        int size = size();
        Integer[] order = new Integer[size];
        for (int s = 0; s < size; s++) {
            order[s] = s;
        }
        Arrays.sort(
                order,
                (a, b) -> {
                    int byWeight = Double.compare(weights[b], weights[a]);
                    return byWeight != 0 ? byWeight : Integer.compare(key(a), key(b));
                });
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = key(order[i]);
        }
        return out;
    }
}
