package io.streamrec.ranking;

import java.util.Arrays;

/**
 * Scratch sums for one feature extraction: a row of {@code width} doubles per int key (an item,
 * user or token index), zero until written, in an open-addressing table sized to the keys of one
 * call (a few to a few thousand), not to all items or users. The table stays in cache while every
 * candidate reads it, and no map entry or boxed value is made.
 */
final class KeyedRows {
    private static final int EMPTY = -1;
    private static final int WRITTEN_WORDS = 64;

    private final int width;
    private int[] keys;
    private double[] values;
    private int mask;
    private int size;

    /**
     * The slots written since the last clear, so a clear costs the keys of one call, not the table.
     */
    private int[] used;

    /**
     * A bit per key modulo 4,096, set for the keys written since the last clear: most keys asked
     * for were never written (a candidate's tokens, against the latest items' few), and the bit
     * answers those without a probe of the table.
     */
    private final long[] written = new long[WRITTEN_WORDS];

    KeyedRows(int width) {
        this.width = width;
        allocate(64);
    }

    private void allocate(int capacity) {
        keys = new int[capacity];
        Arrays.fill(keys, EMPTY);
        values = new double[capacity * width];
        used = new int[capacity / 2];
        mask = capacity - 1;
        size = 0;
    }

    /** Makes every row zero. */
    void clear() {
        for (int i = 0; i < size; i++) {
            keys[used[i]] = EMPTY;
        }
        size = 0;
        Arrays.fill(written, 0L);
    }

    void add(int key, int column, double amount) {
        int at = row(key); // first: it may replace the array
        values[at + column] += amount;
    }

    void set(int key, int column, double value) {
        int at = row(key);
        values[at + column] = value;
    }

    /**
     * The offset of the key's row in {@link #values()}, the row added (zero) if new. Read {@code
     * values()} after this call: adding a row may replace the array.
     */
    int row(int key) {
        return insert(key) * width;
    }

    /** The rows' storage, valid until the next {@link #row} call. */
    double[] values() {
        return values;
    }

    /** The key's value in {@code column}, 0 when the key was not written since the last clear. */
    double get(int key, int column) {
        int slot = find(key);
        return slot < 0 ? 0.0 : values[slot * width + column];
    }

    /** The offset of the key's row in {@link #values()}, -1 when not written since the clear. */
    int rowIfPresent(int key) {
        int slot = find(key);
        return slot < 0 ? -1 : slot * width;
    }

    private int find(int key) {
        if ((written[(key >>> 6) & (WRITTEN_WORDS - 1)] & (1L << key)) == 0) {
            return -1;
        }
        for (int s = hash(key); ; s = (s + 1) & mask) {
            if (keys[s] == key) {
                return s;
            }
            if (keys[s] == EMPTY) {
                return -1;
            }
        }
    }

    private int insert(int key) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int s = hash(key);
        while (keys[s] != key) {
            if (keys[s] == EMPTY) {
                keys[s] = key;
                for (int i = s * width, end = i + width; i < end; i++) {
                    values[i] = 0.0; // a row is a few doubles: a loop, not a call to Arrays.fill
                }
                used[size++] = s;
                written[(key >>> 6) & (WRITTEN_WORDS - 1)] |= 1L << key;
                return s;
            }
            s = (s + 1) & mask;
        }
        return s;
    }

    private void grow() {
        int[] oldKeys = keys;
        double[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldKeys[s] != EMPTY) {
                int at = insert(oldKeys[s]);
                System.arraycopy(oldValues, s * width, values, at * width, width);
            }
        }
    }

    private int hash(int key) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
