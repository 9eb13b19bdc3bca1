package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One item's neighbours by index, each with a count that grows by one, at most {@code cap} of them:
 * a newcomer (count 1) always enters, and a full list drops the weakest of the others, the lowest
 * count and of those the one updated least recently ({@link BoundedSlots}). Were the newcomer
 * dropped when it is the weakest, a row whose counts all passed 1 would never change again, and a
 * pair counted in one item's row but not in the other's for good. The rows of the item-pair
 * statistics, which every serving subtask holds whole: an entry costs 12 bytes where a {@link
 * BoundedNeighbours} entry costs 16, and the arrays grow by half, not double, so a row that has
 * grown holds less unused room. A count stops at {@link Integer#MAX_VALUE}, where the doubles the
 * rows held before kept counting.
 *
 * <p>Written as a {@link BoundedNeighbours} of the same sums of ones is, so statistics written
 * before counts had their own type read as they were; a count that is not a whole number from 1 to
 * 2^31 - 1, which no such sum is, is refused.
 */
public final class BoundedCounts extends BoundedSlots {
    private static final int[] NO_COUNTS = new int[0];

    private int[] counts = NO_COUNTS;

    public BoundedCounts(int cap) {
        super(cap, 0);
    }

    /**
     * The list {@link #writeTo} wrote, with at most {@code cap} neighbours, {@code keys} checked.
     */
    public static BoundedCounts readFrom(DataInput in, int cap, RestoredKeys keys)
            throws IOException {
        BoundedCounts n = new BoundedCounts(cap);
        n.readSlots(in, true, keys);
        return n;
    }

    /** A list as statistics versions 1 to 3 wrote it ({@link BoundedSlots#readSlots}). */
    public static BoundedCounts readRankedFrom(DataInput in, int cap, RestoredKeys keys)
            throws IOException {
        BoundedCounts n = new BoundedCounts(cap);
        n.readSlots(in, false, keys);
        return n;
    }

    @Override
    int grownCapacity(int size) {
        return size + (size >> 1);
    }

    @Override
    void resizeWeights(int capacity) {
        counts = Arrays.copyOf(counts, capacity);
    }

    @Override
    void moveWeight(int from, int to) {
        counts[to] = counts[from];
    }

    /**
     * Of all but the newcomer (the last slot), the lowest count, then the oldest stamp, as the
     * least of count and stamp packed into a long: counts and stamps are positive, so the long
     * orders as a scan comparing them would. A full row holds many counts of 1, and {@link
     * BoundedNeighbours}' scan, which counts used before, went either way at random comparing their
     * stamps: about 900 ns a row of 201 against 95 in a micro-benchmark, where the item pairs'
     * eviction scans were 6% of serving's task thread at 10% evaluated.
     */
    @Override
    int weakest() {
        int[] stamps = stamps();
        int n = size() - 1; // the newcomer, last, always enters
        long least = Long.MAX_VALUE;
        for (int s = 0; s < n; s++) {
            least = Math.min(least, (long) counts[s] << 32 | (stamps[s] & 0xFFFF_FFFFL));
        }
        // both halves matched: the first slot a scan would pick, even if a restored list held a
        // stamp twice (stamps are unique when this list assigns them)
        int count = (int) (least >>> 32);
        int stamp = (int) least;
        int slot = 0;
        while (stamps[slot] != stamp || counts[slot] != count) {
            slot++;
        }
        return slot;
    }

    @Override
    void writeWeight(DataOutput out, int slot) throws IOException {
        out.writeDouble(counts[slot]);
    }

    @Override
    void readWeight(DataInput in, int slot) throws IOException {
        double count = in.readDouble();
        if (!(count >= 1 && count <= Integer.MAX_VALUE) || count != Math.rint(count)) {
            throw new IOException(
                    "neighbour count " + count + ": counts are whole numbers from 1 to 2^31 - 1");
        }
        counts[slot] = (int) count;
    }

    /**
     * Counts one more for the neighbour, 1 for a new one, which may evict the weakest other; a
     * count at {@link Integer#MAX_VALUE} stays there.
     *
     * @return the key evicted to make room (never {@code key}), or -1
     */
    int increment(int key) {
        int slot = slotOf(key);
        if (slot >= 0) {
            if (counts[slot] < Integer.MAX_VALUE) {
                counts[slot]++;
            }
            touch(slot);
            return -1;
        }
        int added = newSlot(key); // first: it may replace the array
        counts[added] = 1;
        return evictOverCap();
    }

    /** The neighbour's count, 0 when it is not (or no longer) a neighbour. */
    public int count(int key) {
        int slot = slotOf(key);
        return slot < 0 ? 0 : counts[slot];
    }

    /** The count at slot {@code i}. */
    public int countAt(int i) {
        return counts[i];
    }
}
