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
    /**
     * Per item, at {@code 2 * item} the sum and at {@code 2 * item + 1} the count (a whole number,
     * exact as a double): side by side, as the walk writes both for each item it meets, so the two
     * share a cache line instead of each being a miss of its own.
     */
    private double[] sumsAndCounts = new double[32];

    private int[] touched = new int[16];
    private int touchedCount;
    private double total;
    private int user = -1;
    private long t;
    private boolean valid;

    /** Forgets the last walk and starts one for {@code user} at {@code t}. */
    void start(int user, long t) {
        for (int i = 0; i < touchedCount; i++) {
            int at = 2 * touched[i];
            sumsAndCounts[at] = 0.0;
            sumsAndCounts[at + 1] = 0.0;
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
        int at = 2 * item;
        if (at >= sumsAndCounts.length) {
            sumsAndCounts =
                    Arrays.copyOf(sumsAndCounts, Math.max(at + 2, sumsAndCounts.length * 2));
        }
        if (sumsAndCounts[at + 1] == 0.0) {
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = item;
        }
        sumsAndCounts[at] += similarity;
        sumsAndCounts[at + 1] += 1.0;
    }

    /** Whether this holds the walk of {@code user} at {@code t} over the statistics as they are. */
    public boolean isFor(int user, long t) {
        return valid && user == this.user && t == this.t;
    }

    /** The sum of the similarities of the similar users holding {@code item}. */
    public double sum(int item) {
        return item >= 0 && 2 * item < sumsAndCounts.length ? sumsAndCounts[2 * item] : 0.0;
    }

    /** How many similar users hold {@code item}. */
    public int count(int item) {
        return item >= 0 && 2 * item < sumsAndCounts.length ? (int) sumsAndCounts[2 * item + 1] : 0;
    }

    /** The sum of every similar user's similarity. */
    public double total() {
        return total;
    }
}
