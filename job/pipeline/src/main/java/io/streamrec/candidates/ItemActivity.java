package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Per item: the times of its first and last event, and the sum and count of the explicit values
 * (ratings) its events carried; over all items, the moments of those values, so a mean rating can
 * be shrunk towards the global mean and read in standard deviations whatever the rating scale.
 * Events without a value (NaN) count for the times only. Once {@value #CLIP_AFTER} values are in, a
 * value further from their mean than {@value #CLIP_DEVIATIONS} standard deviations (or {@code 1 +
 * |mean|}, whichever is wider) enters clipped to that distance: the moments are all-time and
 * checkpointed, and one finite but absurd value (3e38 on a 1-10 scale) would otherwise flatten
 * every item's rating, read in standard deviations, for good. Ratings on their own scale never come
 * near the bound.
 */
public final class ItemActivity {
    /** The time of an item without events. */
    public static final long NEVER = Long.MIN_VALUE;

    private static final int FORMAT = 1;
    private static final double DAY_MS = 86_400_000.0;

    /** Values in before later ones are clipped ({@link #boundedValue}). */
    static final long CLIP_AFTER = 100;

    /** How far from the values' mean, in standard deviations, a value enters unclipped. */
    static final double CLIP_DEVIATIONS = 5.0;

    private long[] firstSeen = new long[0];
    private long[] lastSeen = new long[0];
    private double[] valueSums = new double[0];
    private int[] valueCounts = new int[0];
    private double sum;
    private double sumOfSquares;
    private long valued;

    /** Applies an event on {@code item} at {@code t} with explicit value {@code value} (or NaN). */
    public void add(int item, long t, float value) {
        grow(item);
        if (firstSeen[item] == NEVER) {
            firstSeen[item] = t;
            lastSeen[item] = t;
        } else {
            firstSeen[item] = Math.min(firstSeen[item], t);
            lastSeen[item] = Math.max(lastSeen[item], t);
        }
        if (Float.isFinite(value)) {
            double v = boundedValue(value);
            valueSums[item] += v;
            valueCounts[item]++;
            sum += v;
            sumOfSquares += v * v;
            valued++;
        }
    }

    /** {@code value} as it enters the sums: clipped once {@link #CLIP_AFTER} values are in. */
    private double boundedValue(float value) {
        if (valued < CLIP_AFTER) {
            return value;
        }
        double mean = meanValue();
        double reach = Math.max(CLIP_DEVIATIONS * valueDeviation(), 1.0 + Math.abs(mean));
        return Math.max(mean - reach, Math.min(mean + reach, value));
    }

    /** Grows the arrays to at most {@link #longestFor} the items indexed (a restore checks it). */
    private void grow(int item) {
        if (item < firstSeen.length) {
            return;
        }
        int old = firstSeen.length;
        int grown = Math.max(item + 1, Math.max(16, old * 2));
        firstSeen = Arrays.copyOf(firstSeen, grown);
        lastSeen = Arrays.copyOf(lastSeen, grown);
        valueSums = Arrays.copyOf(valueSums, grown);
        valueCounts = Arrays.copyOf(valueCounts, grown);
        Arrays.fill(firstSeen, old, grown, NEVER);
        Arrays.fill(lastSeen, old, grown, NEVER);
    }

    /** The time of the item's first event, {@link #NEVER} without one. */
    public long firstSeen(int item) {
        return item >= 0 && item < firstSeen.length ? firstSeen[item] : NEVER;
    }

    /** The time of the item's latest event, {@link #NEVER} without one. */
    public long lastSeen(int item) {
        return item >= 0 && item < lastSeen.length ? lastSeen[item] : NEVER;
    }

    /**
     * {@code ln(1 + days)} since the item's first event, 0 for an item without events or an event
     * before it: the item-age scale the ranker's features and {@link UserActivity} share.
     */
    public double logAgeDays(int item, long t) {
        long first = firstSeen(item);
        return first == NEVER ? 0.0 : Math.log(1.0 + Math.max(0L, t - first) / DAY_MS);
    }

    /**
     * Reads what the item's features take from here, without using it ({@link
     * StatisticsView#readAhead}).
     */
    double readAhead(int item) {
        return item >= 0 && item < lastSeen.length
                ? firstSeen[item] + lastSeen[item] + valueSums[item] + valueCounts[item]
                : 0.0;
    }

    /** Sum of the item's explicit values. */
    public double valueSum(int item) {
        return item >= 0 && item < valueSums.length ? valueSums[item] : 0.0;
    }

    /** Events on the item that carried an explicit value. */
    public int valueCount(int item) {
        return item >= 0 && item < valueCounts.length ? valueCounts[item] : 0;
    }

    /** Events, over all items, that carried an explicit value. */
    public long valued() {
        return valued;
    }

    /** The mean explicit value over all items, 0 before the first. */
    public double meanValue() {
        return valued == 0 ? 0.0 : sum / valued;
    }

    /** The standard deviation of explicit values over all items, 0 before the second. */
    public double valueDeviation() {
        if (valued < 2) {
            return 0.0;
        }
        double mean = sum / valued;
        return Math.sqrt(Math.max(0.0, sumOfSquares / valued - mean * mean));
    }

    /**
     * The longest arrays for {@code items} indexed: {@link #grow} doubles them, to at least 16, and
     * only for an indexed item.
     */
    private static long longestFor(int items) {
        return Math.max(16L, 2L * items);
    }

    private boolean hasEvents(int item) {
        return firstSeen[item] != NEVER
                || lastSeen[item] != NEVER
                || valueSums[item] != 0.0
                || valueCounts[item] != 0;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(firstSeen.length);
        for (int i = 0; i < firstSeen.length; i++) {
            out.writeLong(firstSeen[i]);
            out.writeLong(lastSeen[i]);
            out.writeDouble(valueSums[i]);
            out.writeInt(valueCounts[i]);
        }
        out.writeDouble(sum);
        out.writeDouble(sumOfSquares);
        out.writeLong(valued);
    }

    /**
     * What {@link #writeTo} wrote, for {@code itemCount} items indexed: arrays {@link #grow} could
     * make, holding no events past the items (an item indexed later would start with them).
     */
    public static ItemActivity readFrom(DataInput in, int itemCount) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("ItemActivity format " + format + ", expected " + FORMAT);
        }
        ItemActivity a = new ItemActivity();
        int n = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_IDS, "ItemActivity.items");
        if (n > longestFor(itemCount)) {
            throw new IOException(
                    "corrupt ItemActivity.items " + n + " for " + itemCount + " indexed");
        }
        a.firstSeen = new long[n];
        a.lastSeen = new long[n];
        a.valueSums = new double[n];
        a.valueCounts = new int[n];
        for (int i = 0; i < n; i++) {
            a.firstSeen[i] = in.readLong();
            a.lastSeen[i] = in.readLong();
            a.valueSums[i] = in.readDouble();
            a.valueCounts[i] = in.readInt();
            if (i >= itemCount && a.hasEvents(i)) {
                throw new IOException(
                        "corrupt ItemActivity: item " + i + " of " + itemCount + " has events");
            }
        }
        a.sum = in.readDouble();
        a.sumOfSquares = in.readDouble();
        a.valued = in.readLong();
        return a;
    }
}
