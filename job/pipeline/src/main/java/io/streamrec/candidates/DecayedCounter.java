package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One item's counts decayed at several half-lives, stored lazily: the values at the last update and
 * that update's time, decayed only when read or written. With {@code h} a half-life and {@code
 * last} the last update time:
 *
 * <ul>
 *   <li>read at {@code t >= last}: {@code value(t) = value * 2^(-(t - last) / h)};
 *   <li>{@code add(w, t)} at {@code t >= last}: {@code value <- value(t) + w}, {@code last <- t};
 *   <li>a late {@code add(w, t)}, {@code t < last}: {@code value <- value + w * 2^(-(last - t) /
 *       h)}, {@code last} unchanged (the weight decayed to the stored time);
 *   <li>a read at {@code t < last} gives the value at {@code last}: no decay backwards.
 * </ul>
 *
 * The sum is exactly {@code sum_i w_i * 2^(-(t - t_i) / h)} over the adds, whatever their order.
 */
public final class DecayedCounter {
    private final HalfLife[] halfLives;
    private final double[] values;
    private long last = Long.MIN_VALUE;

    /**
     * @param halfLives shared between counters, not copied
     */
    public DecayedCounter(HalfLife[] halfLives) {
        this.halfLives = halfLives;
        this.values = new double[halfLives.length];
    }

    /** Writes the last update time, then the stored values unless there was no update. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(last);
        if (last != Long.MIN_VALUE) {
            for (double v : values) {
                out.writeDouble(v);
            }
        }
    }

    /** The counter {@link #writeTo} wrote, at the same {@code halfLives} (shared, not copied). */
    public static DecayedCounter readFrom(DataInput in, HalfLife[] halfLives) throws IOException {
        DecayedCounter counter = new DecayedCounter(halfLives);
        counter.last = in.readLong();
        if (counter.last != Long.MIN_VALUE) {
            for (int h = 0; h < counter.values.length; h++) {
                counter.values[h] = in.readDouble();
            }
        }
        return counter;
    }

    public void add(double weight, long t) {
        last = add(halfLives, values, 0, last, weight, t);
    }

    /** The count at half-life index {@code h}, decayed to time {@code t}. */
    public double valueAt(int h, long t) {
        return valueAt(halfLives[h], values[h], last, t);
    }

    /** The count at half-life index {@code h} in anchored form, see {@link HalfLife}. */
    public double anchored(int h) {
        return anchored(halfLives[h], values[h], last);
    }

    /**
     * {@link #add} on counts stored elsewhere ({@link DecayedCounters}): {@code values[offset + h]}
     * at half-life h, last updated at {@code last}; returns the new last update time.
     */
    static long add(
            HalfLife[] halfLives, double[] values, int offset, long last, double weight, long t) {
        if (last == Long.MIN_VALUE) {
            Arrays.fill(values, offset, offset + halfLives.length, weight);
            return t;
        }
        for (int h = 0; h < halfLives.length; h++) {
            if (t >= last) {
                values[offset + h] = values[offset + h] * halfLives[h].factor(t - last) + weight;
            } else {
                values[offset + h] += weight * halfLives[h].factor(last - t);
            }
        }
        return Math.max(last, t);
    }

    /** {@link #valueAt} of a count stored elsewhere, last updated at {@code last}. */
    static double valueAt(HalfLife halfLife, double value, long last, long t) {
        if (last == Long.MIN_VALUE) {
            return 0.0;
        }
        return t <= last ? value : value * halfLife.readFactor(t - last);
    }

    /** {@link #anchored} of a count stored elsewhere, last updated at {@code last}. */
    static double anchored(HalfLife halfLife, double value, long last) {
        return last == Long.MIN_VALUE ? Double.NEGATIVE_INFINITY : halfLife.anchor(value, last);
    }

    /** The time of the latest update; {@link Long#MIN_VALUE} before the first. */
    public long lastUpdate() {
        return last;
    }
}
