package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The most recent distinct indices (an item's users; users' items are {@link UserHistories}), at
 * most {@code cap}: adding one again makes it the most recent, and the oldest falls out beyond the
 * cap. An int array, oldest first, searched linearly: caps are tens (50 users per item by default).
 */
public final class RecentIds {
    private final int cap;
    private int[] ids = new int[4];
    private int size;

    public RecentIds(int cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive: " + cap);
        }
        this.cap = cap;
    }

    /** Writes the ids, oldest first. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeInt(ids[i]);
        }
    }

    /**
     * The ids {@link #writeTo} wrote, in their order, with at most {@code cap} of them, each
     * checked by {@code keys}.
     */
    public static RecentIds readFrom(DataInput in, int cap, RestoredKeys keys) throws IOException {
        RecentIds recent = new RecentIds(cap);
        int size = in.readInt();
        if (size < 0 || size > cap) {
            throw new IOException("recent ids of " + size + " entries, cap " + cap);
        }
        recent.ids = new int[Math.max(4, size)];
        for (int i = 0; i < size; i++) {
            recent.ids[i] = in.readInt();
        }
        keys.check(recent.ids, 0, size);
        recent.size = size;
        return recent;
    }

    int cap() {
        return cap;
    }

    /** A copy holding at most {@code newCap}: the most recent of these, in order. */
    RecentIds withCap(int newCap) {
        RecentIds copy = new RecentIds(newCap);
        for (int i = Math.max(0, size - newCap); i < size; i++) {
            copy.add(ids[i]);
        }
        return copy;
    }

    public void add(int id) {
        int at = indexOf(id);
        if (at >= 0) {
            System.arraycopy(ids, at + 1, ids, at, size - at - 1);
            size--;
        } else if (size == cap) {
            System.arraycopy(ids, 1, ids, 0, size - 1);
            size--;
        } else if (size == ids.length) {
            ids = Arrays.copyOf(ids, Math.min(cap, size * 2));
        }
        ids[size++] = id;
    }

    /** Removes {@code id} if present; the others keep their order. */
    public void remove(int id) {
        int at = indexOf(id);
        if (at >= 0) {
            System.arraycopy(ids, at + 1, ids, at, size - at - 1);
            size--;
        }
    }

    private int indexOf(int id) {
        for (int i = size - 1; i >= 0; i--) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    public boolean contains(int id) {
        return indexOf(id) >= 0;
    }

    /** Up to {@code n} ids, the most recent first. */
    public int[] mostRecent(int n) {
        int k = Math.min(n, size);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = ids[size - 1 - i];
        }
        return out;
    }

    /** The {@code i}-th most recent id, {@code 0 <= i < size()}. */
    public int get(int i) {
        return ids[size - 1 - i];
    }

    public int size() {
        return size;
    }
}
