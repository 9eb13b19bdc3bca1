package io.streamrec.candidates;

import java.util.Arrays;

/**
 * The {@code capacity} items with the highest keys, highest first, ties by item id, for a key that
 * only grows and only when the item itself is updated (an all-time count, an anchored decayed
 * count). An item outside them can enter only by its own update, so keeping just these is exact: no
 * other item's order is needed. A read of the top {@code n} skipping {@code e} excluded items is
 * exact while {@code n + e <= capacity}; the generator sizes it for the most items per source plus
 * a user's whole history.
 *
 * <p>State is three arrays of {@code capacity} entries, whatever the catalog's size: a tree of
 * every item took about 80 bytes per item and source.
 */
final class RankedItems {
    private final IdIndex ids;
    private final int capacity;
    private int[] items = new int[16];
    private double[] keys = new double[16];
    private int size;

    RankedItems(IdIndex ids, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.ids = ids;
        this.capacity = capacity;
    }

    /**
     * Sets the item's key. Keys only grow; a lower one (not reachable through the counters) keeps
     * the earlier key rather than failing the task on every restart.
     */
    void put(int item, double key) {
        int at = indexOf(item);
        if (at >= 0) {
            key = Math.max(key, keys[at]);
            System.arraycopy(items, at + 1, items, at, size - at - 1);
            System.arraycopy(keys, at + 1, keys, at, size - at - 1);
            size--;
        } else if (size == capacity && !before(item, key, size - 1)) {
            return;
        }
        int to = insertionPoint(item, key);
        if (size == capacity) {
            size--; // the last one falls out
        } else if (size == items.length) {
            int grown = Math.min(capacity, size * 2);
            items = Arrays.copyOf(items, grown);
            keys = Arrays.copyOf(keys, grown);
        }
        System.arraycopy(items, to, items, to + 1, size - to);
        System.arraycopy(keys, to, keys, to + 1, size - to);
        items[to] = item;
        keys[to] = key;
        size++;
    }

    private int indexOf(int item) {
        for (int i = 0; i < size; i++) {
            if (items[i] == item) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code item} with {@code key} comes before the entry at {@code at}. */
    private boolean before(int item, double key, int at) {
        int byKey = Double.compare(keys[at], key);
        return byKey != 0 ? byKey < 0 : ids.compare(item, items[at]) < 0;
    }

    /** The first position whose entry {@code item} comes before (binary search). */
    private int insertionPoint(int item, double key) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (before(item, key, mid)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** Up to {@code n} items not {@code excluded}, highest key first. */
    int[] top(int n, ExcludedItems excluded) {
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < size && k < n; i++) {
            if (!excluded.contains(items[i])) {
                out[k++] = items[i];
            }
        }
        if (k < n && size == capacity) {
            throw new IllegalStateException(
                    "the top "
                            + n
                            + " beyond "
                            + capacity
                            + " ranked items: more excluded than the generator sized for");
        }
        return k == n ? out : Arrays.copyOf(out, k);
    }
}
