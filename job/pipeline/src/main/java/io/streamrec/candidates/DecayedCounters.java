package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A {@link DecayedCounter} per item index, in two flat arrays instead of an object and an array per
 * item: reading an item's counts costs two independent loads rather than a chain of three, which
 * matters when a read touches a few hundred random items. Same arithmetic (the counter's own) and
 * the same bytes per item as {@link DecayedCounter#writeTo}.
 */
final class DecayedCounters {
    private final HalfLife[] halfLives;
    private final int width;
    private long[] last = new long[0];
    private double[] values = new double[0];
    private int size;

    /**
     * @param halfLives shared, not copied
     */
    DecayedCounters(HalfLife[] halfLives) {
        this.halfLives = halfLives;
        this.width = halfLives.length;
    }

    /** Items with a counter: {@code 0 .. size - 1}. */
    int size() {
        return size;
    }

    /** Gives items up to {@code item} a counter, without updates. */
    void grow(int item) {
        if (item < size) {
            return;
        }
        if (item >= last.length) {
            int grown = Math.max(item + 1, Math.max(16, last.length * 2));
            int old = last.length;
            last = Arrays.copyOf(last, grown);
            values = Arrays.copyOf(values, grown * width);
            Arrays.fill(last, old, grown, Long.MIN_VALUE);
        }
        size = item + 1;
    }

    /** {@link DecayedCounter#add} on the item's counter. */
    void add(int item, double weight, long t) {
        grow(item);
        last[item] = DecayedCounter.add(halfLives, values, item * width, last[item], weight, t);
    }

    /**
     * Reads the item's counter without using it, for a loop ahead of the one that does ({@link
     * StatisticsView#readAhead}); the value means nothing.
     */
    double readAhead(int item) {
        return item < size ? values[item * width] + last[item] : 0.0;
    }

    /** {@link DecayedCounter#valueAt}; 0 for an item without a counter. */
    double valueAt(int item, int h, long t) {
        if (item >= size) {
            return 0.0;
        }
        return DecayedCounter.valueAt(halfLives[h], values[item * width + h], last[item], t);
    }

    /** {@link DecayedCounter#anchored} of an item with a counter. */
    double anchored(int item, int h) {
        return DecayedCounter.anchored(halfLives[h], values[item * width + h], last[item]);
    }

    /** Writes the item's counter as {@link DecayedCounter#writeTo} does. */
    void writeTo(int item, DataOutput out) throws IOException {
        out.writeLong(last[item]);
        if (last[item] != Long.MIN_VALUE) {
            for (int h = 0; h < width; h++) {
                out.writeDouble(values[item * width + h]);
            }
        }
    }

    /** Reads the next item's counter, as {@link DecayedCounter#readFrom} does, into index size. */
    void readNext(DataInput in) throws IOException {
        int item = size;
        grow(item);
        last[item] = in.readLong();
        if (last[item] != Long.MIN_VALUE) {
            for (int h = 0; h < width; h++) {
                values[item * width + h] = in.readDouble();
            }
        }
    }
}
