package io.streamrec.candidates;

import java.util.Arrays;

/**
 * What one user's similar users hold at one time, per item among their latest items: the sum of
 * those users' similarities and how many of them hold it, with the sum over every similar user. The
 * similar-users source fills it on its walk over those items, and the neighbour features read it
 * for their candidates instead of walking the same ~2,000 (user, item) pairs again. The sums add
 * the same similarities in the same order as such a walk, so they are equal to the last bit.
 *
 * <p>It answers only for the user and time of that walk, and only until the statistics change.
 */
public final class NeighbourSupport {
    private double[] sums = new double[16];
    private int[] counts = new int[16];
    private int[] touched = new int[16];
    private int touchedCount;
    private double total;
    private int user = -1;
    private long t;
    private boolean valid;

    /** Forgets the last walk and starts one for {@code user} at {@code t}. */
    void start(int user, long t) {
        for (int i = 0; i < touchedCount; i++) {
            int item = touched[i];
            sums[item] = 0.0;
            counts[item] = 0;
        }
        touchedCount = 0;
        total = 0.0;
        this.user = user;
        this.t = t;
        valid = true;
    }

    /** Makes this answer for no one, until the next {@link #start}: the statistics changed. */
    void invalidate() {
        valid = false;
    }

    /**
     * A similar user of similarity {@code similarity} (added to the total whether or not it holds
     * items).
     */
    void addUser(double similarity) {
        total += similarity;
    }

    /** An item among the latest of a similar user of similarity {@code similarity}. */
    void addItem(int item, double similarity) {
        if (item >= sums.length) {
            int grown = Math.max(item + 1, sums.length * 2);
            sums = Arrays.copyOf(sums, grown);
            counts = Arrays.copyOf(counts, grown);
        }
        if (counts[item] == 0) {
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = item;
        }
        sums[item] += similarity;
        counts[item]++;
    }

    /** Whether this holds the walk of {@code user} at {@code t} over the statistics as they are. */
    public boolean isFor(int user, long t) {
        return valid && user == this.user && t == this.t;
    }

    /** The sum of the similarities of the similar users holding {@code item}. */
    public double sum(int item) {
        return item >= 0 && item < sums.length ? sums[item] : 0.0;
    }

    /** How many similar users hold {@code item}. */
    public int count(int item) {
        return item >= 0 && item < counts.length ? counts[item] : 0;
    }

    /** The sum of every similar user's similarity. */
    public double total() {
        return total;
    }
}
