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
 * <p>Three parallel arrays, searched linearly: at a cap of a few hundred a scan of ints is cheaper
 * than hashing, and an entry costs 16 bytes.
 */
public final class BoundedNeighbours {
    // empty until the first neighbour: most users' lists on a serving subtask are other subtasks'
    private static final int[] NO_KEYS = new int[0];
    private static final double[] NO_WEIGHTS = new double[0];
    private static final int[] NO_STAMPS = new int[0];

    private final int cap;
    private int size;
    private int[] keys = NO_KEYS;
    private double[] weights = NO_WEIGHTS;

    /**
     * When each slot was last updated, by the list's own clock: ints, as most entries of the
     * statistics are neighbours; the clock moves back before it overflows ({@link #tick}).
     */
    private int[] touched = NO_STAMPS;

    private int clock;

    public BoundedNeighbours(int cap) {
        this(cap, 0);
    }

    /** A list whose update clock starts at {@code clock} (tests of the clock's overflow). */
    BoundedNeighbours(int cap, int clock) {
        this.clock = clock;
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive: " + cap);
        }
        this.cap = cap;
    }

    /**
     * Writes the neighbours in slot order (the order readers sum them in), each with its key,
     * weight and update stamp, after the list's clock: stamps and clock counted from the oldest
     * stamp (which is written as 1), so a restored list goes on exactly as this one and a list
     * written again after a read gives the same bytes. The format of statistics version 4; before,
     * {@link #readRankedFrom}.
     */
    public void writeTo(DataOutput out) throws IOException {
        int before = beforeOldestStamp();
        out.writeInt(size);
        out.writeInt(clock - before);
        for (int s = 0; s < size; s++) {
            out.writeInt(keys[s]);
            out.writeDouble(weights[s]);
            out.writeInt(touched[s] - before);
        }
    }

    /** The stamp just before the oldest, the clock for an empty list: what stamps count from. */
    private int beforeOldestStamp() {
        if (size == 0) {
            return clock;
        }
        int oldest = touched[0];
        for (int s = 1; s < size; s++) {
            oldest = Math.min(oldest, touched[s]);
        }
        return oldest - 1;
    }

    /** The list {@link #writeTo} wrote, with at most {@code cap} neighbours. */
    public static BoundedNeighbours readFrom(DataInput in, int cap) throws IOException {
        return read(in, cap, true);
    }

    /**
     * A list as statistics versions 1 to 3 wrote it: no clock, and each neighbour's recency rank
     * among the list (1 for the least recently updated) in place of its stamp. The ranks order ties
     * as the stamps did, and the clock goes on from the latest.
     */
    public static BoundedNeighbours readRankedFrom(DataInput in, int cap) throws IOException {
        return read(in, cap, false);
    }

    private static BoundedNeighbours read(DataInput in, int cap, boolean clocked)
            throws IOException {
        BoundedNeighbours n = new BoundedNeighbours(cap);
        int size = in.readInt();
        if (size < 0 || size > cap) {
            throw new IOException("neighbour list of " + size + " entries, cap " + cap);
        }
        n.clock = clocked ? in.readInt() : size;
        if (n.clock < size) {
            throw new IOException("clock " + n.clock + " of a list of " + size);
        }
        n.allocate(size);
        for (int s = 0; s < size; s++) {
            n.keys[s] = in.readInt();
            n.weights[s] = in.readDouble();
            n.touched[s] = in.readInt();
            if (n.touched[s] < 1 || n.touched[s] > n.clock) {
                throw new IOException(
                        clocked
                                ? "update stamp " + n.touched[s] + " of clock " + n.clock
                                : "recency rank " + n.touched[s] + " of " + size);
            }
        }
        n.size = size;
        return n;
    }

    /**
     * A copy with every key {@code k} replaced by {@code toNew[k]} (ids indexed differently
     * elsewhere); a key mapped to -1 is dropped. Weights, slot order and recency are kept.
     */
    BoundedNeighbours withKeys(int[] toNew) {
        BoundedNeighbours n = new BoundedNeighbours(cap);
        n.allocate(size);
        for (int s = 0; s < size; s++) {
            int key = keys[s] < toNew.length ? toNew[keys[s]] : -1;
            if (key >= 0) {
                n.keys[n.size] = key;
                n.weights[n.size] = weights[s];
                n.touched[n.size] = touched[s];
                n.size++;
            }
        }
        n.clock = clock;
        return n;
    }

    /**
     * The next stamp. Before the clock would overflow, stamps and clock move back by the oldest
     * stamp (so the list writes the same bytes), or, when the oldest is too old for that to gain
     * much, become recency ranks: the same order either way.
     */
    private int tick() {
        if (clock == Integer.MAX_VALUE) {
            int before = beforeOldestStamp();
            if (before >= Integer.MAX_VALUE / 2) {
                for (int s = 0; s < size; s++) {
                    touched[s] -= before;
                }
                clock -= before;
            } else {
                compactStamps();
            }
        }
        return ++clock;
    }

    /**
     * Makes the stamps recency ranks and the clock the list's size: the same order, in the form
     * statistics versions 1 to 3 wrote and a restore of them holds (so tests compare such a restore
     * with a list that ran on).
     */
    void compactStamps() {
        int[] ranks = recencyRanks();
        System.arraycopy(ranks, 0, touched, 0, size);
        clock = size;
    }

    /** Room for {@code size} neighbours, none while empty. */
    private void allocate(int size) {
        if (size > 0) {
            int capacity = Math.max(4, size);
            keys = new int[capacity];
            weights = new double[capacity];
            touched = new int[capacity];
        }
    }

    /** 1 for the least recently updated slot, {@code size} for the latest (stamps are unique). */
    private int[] recencyRanks() {
        int[] sorted = Arrays.copyOf(touched, size);
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
        mergeEvicting(key, value, combine);
    }

    /** {@link #add}, returning the key evicted to make room ({@code key} itself may be), or -1. */
    int addEvicting(int key, double amount) {
        return mergeEvicting(key, amount, Double::sum);
    }

    private int mergeEvicting(int key, double value, DoubleBinaryOperator combine) {
        int slot = slotOf(key);
        if (slot >= 0) {
            weights[slot] = combine.applyAsDouble(weights[slot], value);
            touched[slot] = tick();
            return -1;
        }
        if (size == keys.length) {
            int grown = Math.min(cap + 1, Math.max(4, size * 2));
            keys = Arrays.copyOf(keys, grown);
            weights = Arrays.copyOf(weights, grown);
            touched = Arrays.copyOf(touched, grown);
        }
        keys[size] = key;
        weights[size] = value;
        touched[size] = tick();
        size++;
        if (size > cap) {
            int weakest = weakest();
            int evicted = keys[weakest];
            remove(weakest);
            return evicted;
        }
        return -1;
    }

    /**
     * The key's slot, -1 when absent. Four slots per step, as C2 does not unroll a loop with two
     * exits; the replay's CPU did not move measurably either way (BENCHMARKS, fifteenth session).
     */
    private int slotOf(int key) {
        int[] k = keys;
        int s = 0;
        for (int end = size - 3; s < end; s += 4) {
            if (k[s] == key | k[s + 1] == key | k[s + 2] == key | k[s + 3] == key) {
                return k[s] == key ? s : k[s + 1] == key ? s + 1 : k[s + 2] == key ? s + 2 : s + 3;
            }
        }
        for (; s < size; s++) {
            if (k[s] == key) {
                return s;
            }
        }
        return -1;
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
        size--;
        keys[slot] = keys[size];
        weights[slot] = weights[size];
        touched[slot] = touched[size];
    }

    /** Removes the neighbour {@code key} if present. */
    public void removeKey(int key) {
        int slot = slotOf(key);
        if (slot >= 0) {
            remove(slot);
        }
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
