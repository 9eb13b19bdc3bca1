package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * What a bounded neighbour list keeps whatever type its weights are: at most {@code cap} keys, each
 * with the stamp of its last update by the list's own clock, and the eviction of the weakest when a
 * newcomer makes one too many, ties going to the one updated least recently. Subclasses hold the
 * weights, in an array beside the keys, and say how the arrays grow.
 *
 * <p>Parallel arrays, searched linearly: at a cap of a few hundred a scan of ints is cheaper than
 * hashing.
 */
abstract class BoundedSlots {
    // empty until the first neighbour: most users' lists on a serving subtask are other subtasks'
    private static final int[] NONE = new int[0];

    private final int cap;
    private int size;
    private int[] keys = NONE;

    /**
     * When each slot was last updated, by the list's own clock: ints, as most entries of the
     * statistics are neighbours; the clock moves back before it overflows ({@link #tick}).
     */
    private int[] touched = NONE;

    private int clock;

    BoundedSlots(int cap, int clock) {
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive: " + cap);
        }
        this.cap = cap;
        this.clock = clock;
    }

    /** The capacity to grow to from a full {@code size}, before the cap bounds it. */
    abstract int grownCapacity(int size);

    /** Makes room for {@code capacity} weights, keeping the first {@link #size}. */
    abstract void resizeWeights(int capacity);

    /** Copies the weight of slot {@code from} to slot {@code to}. */
    abstract void moveWeight(int from, int to);

    abstract void writeWeight(DataOutput out, int slot) throws IOException;

    /** Reads the weight {@link #writeWeight} wrote into {@code slot}. */
    abstract void readWeight(DataInput in, int slot) throws IOException;

    /**
     * Writes the neighbours in slot order (the order readers sum them in), each with its key,
     * weight and update stamp, after the list's clock: stamps and clock counted from the oldest
     * stamp (which is written as 1), so a restored list goes on exactly as this one and a list
     * written again after a read gives the same bytes. The format of statistics version 4; before,
     * {@link #readSlots} with {@code clocked} false.
     */
    public void writeTo(DataOutput out) throws IOException {
        int before = beforeOldestStamp();
        out.writeInt(size);
        out.writeInt(clock - before);
        for (int s = 0; s < size; s++) {
            out.writeInt(keys[s]);
            writeWeight(out, s);
            out.writeInt(touched[s] - before);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into this empty list; {@code clocked} false: as statistics
     * versions 1 to 3 wrote it, with no clock and each neighbour's recency rank among the list (1
     * for the least recently updated) in place of its stamp. The ranks order ties as the stamps
     * did, and the clock goes on from the latest. Each key is checked by {@code restored}.
     */
    void readSlots(DataInput in, boolean clocked, RestoredKeys restored) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > cap) {
            throw new IOException("neighbour list of " + length + " entries, cap " + cap);
        }
        clock = clocked ? in.readInt() : length;
        if (clock < length) {
            throw new IOException("clock " + clock + " of a list of " + length);
        }
        allocate(length);
        for (int s = 0; s < length; s++) {
            keys[s] = in.readInt();
            readWeight(in, s);
            touched[s] = in.readInt();
            if (touched[s] < 1 || touched[s] > clock) {
                throw new IOException(
                        clocked
                                ? "update stamp " + touched[s] + " of clock " + clock
                                : "recency rank " + touched[s] + " of " + length);
            }
        }
        restored.check(keys, 0, length);
        size = length;
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

    /**
     * Fills this empty list with {@code source}'s neighbours whose keys {@code toNew} maps (ids
     * indexed differently elsewhere; a key mapped to -1 is dropped), in slot order with their
     * recency, and its clock; the caller copies the weights.
     *
     * @return per slot filled, the source slot it came from
     */
    int[] copyRenumbered(BoundedSlots source, int[] toNew) {
        allocate(source.size);
        int[] from = new int[source.size];
        for (int s = 0; s < source.size; s++) {
            int key = source.keys[s] < toNew.length ? toNew[source.keys[s]] : -1;
            if (key >= 0) {
                keys[size] = key;
                touched[size] = source.touched[s];
                from[size++] = s;
            }
        }
        clock = source.clock;
        return Arrays.copyOf(from, size);
    }

    /** Room for {@code length} neighbours, none while empty. */
    private void allocate(int length) {
        if (length > 0) {
            int capacity = Math.max(4, length);
            keys = new int[capacity];
            touched = new int[capacity];
            resizeWeights(capacity);
        }
    }

    /** Marks the slot updated now. */
    void touch(int slot) {
        touched[slot] = tick();
    }

    /** Appends {@code key} with no weight yet, updated now, growing the arrays when full. */
    int newSlot(int key) {
        if (size == keys.length) {
            int grown = Math.min(cap + 1, Math.max(4, grownCapacity(size)));
            keys = Arrays.copyOf(keys, grown);
            touched = Arrays.copyOf(touched, grown);
            resizeWeights(grown);
        }
        keys[size] = key;
        touched[size] = tick();
        return size++;
    }

    /** Evicts the weakest when over the cap: its key (the newcomer's may be), or -1. */
    int evictOverCap() {
        if (size <= cap) {
            return -1;
        }
        int weakest = weakest();
        int evicted = keys[weakest];
        remove(weakest);
        return evicted;
    }

    /**
     * The key's slot, -1 when absent. Four slots per step, as C2 does not unroll a loop with two
     * exits; the replay's CPU did not move measurably either way (BENCHMARKS, fifteenth session).
     */
    int slotOf(int key) {
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

    /**
     * The slot to evict: the lowest weight, ties to the least recently updated (stamps are unique,
     * so exactly one slot). Called only over the cap, so never on an empty list.
     */
    abstract int weakest();

    /** Removes the neighbour at {@code slot}; the last slot's takes its place. */
    void remove(int slot) {
        size--;
        keys[slot] = keys[size];
        moveWeight(size, slot);
        touched[slot] = touched[size];
    }

    int cap() {
        return cap;
    }

    /** The update stamps by slot, the live array: read, never write (positive, unique). */
    final int[] stamps() {
        return touched;
    }

    public int size() {
        return size;
    }

    /** The neighbour at slot {@code i}, {@code 0 <= i < size()}; slot order is arbitrary. */
    public int key(int i) {
        return keys[i];
    }
}
