package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One source's scores for one read, dense by item index, and their top {@code n}: highest score
 * first, ties by item id. Reused between reads; {@link #clear} costs the items touched. Only
 * positive amounts are added, so a score of 0 marks an item not yet touched: no second array.
 */
final class ItemScores {
    /**
     * From this many eligible scores per item wanted on, the n-th highest comes from a bounded heap
     * instead of quickselect: one pass that mostly compares with the heap's least, against
     * partitions over every score. The crossover was between 15 and 22 in a micro-benchmark (n 40,
     * 300 to 3,000 scores); the similar users' source scores up to 2,000 items for 40.
     */
    private static final int HEAP_FROM_RATIO = 20;

    private final IdIndex items;
    private double[] scores = new double[16];
    private int[] touched = new int[16];
    private int count;
    private double[] selection = new double[16];
    private double[] heap = new double[16];
    private int[] eligible = new int[16];
    private double[] eligibleScores = new double[16];
    private long[] eligibleKeys = new long[16];
    private int[] order = new int[16];
    private int[] sortScratch = new int[16];

    ItemScores(IdIndex items) {
        this.items = items;
    }

    /**
     * Adds {@code amount} to the item's score; an amount that is not positive (0, or NaN from a
     * broken input) adds nothing, which keeps every touched score positive and every other 0.
     */
    void add(int item, double amount) {
        if (!(amount > 0.0)) {
            return;
        }
        if (item >= scores.length) {
            scores = Arrays.copyOf(scores, Math.max(item + 1, scores.length * 2));
        }
        double before = scores[item];
        if (before == 0.0) {
            if (count == touched.length) {
                touched = Arrays.copyOf(touched, count * 2);
            }
            touched[count++] = item;
        }
        scores[item] = before + amount;
    }

    double score(int item) {
        return item < scores.length ? scores[item] : 0.0;
    }

    /**
     * The {@code n} best items with a positive score that are not {@code excluded}: the n-th best
     * score found by selection, then only the items at or above it sorted (linear, not a heap).
     */
    List<ScoredItem> top(int n, ExcludedItems excluded) {
        int[] top = topItems(n, excluded);
        List<ScoredItem> out = new ArrayList<>(top.length);
        for (int item : top) {
            out.add(new ScoredItem(items.id(item), scores[item]));
        }
        return out;
    }

    /**
     * The items of {@link #top}, best first. The eligible items' scores and id order keys are
     * copied to small dense arrays, which the selection and the sort read instead of the arrays by
     * item index.
     */
    int[] topItems(int n, ExcludedItems excluded) {
        if (eligible.length < count) {
            int grown = Math.max(count, eligible.length * 2);
            eligible = new int[grown];
            eligibleScores = new double[grown];
            eligibleKeys = new long[grown];
            order = new int[grown];
            sortScratch = new int[grown];
        }
        int m = 0;
        for (int i = 0; i < count; i++) {
            int item = touched[i];
            double score = scores[item];
            if (score > 0.0 && !excluded.contains(item)) {
                eligible[m] = item;
                eligibleScores[m++] = score;
            }
        }
        double cut =
                m <= n
                        ? 0.0
                        : m >= (long) HEAP_FROM_RATIO * n
                                ? nthHighestByHeap(m, n)
                                : nthHighest(m, n);
        int kept = 0;
        for (int i = 0; i < m; i++) {
            if (eligibleScores[i] >= cut) {
                eligible[kept] = eligible[i];
                eligibleScores[kept] = eligibleScores[i];
                eligibleKeys[kept] = items.orderKey(eligible[i]);
                order[kept] = kept;
                kept++;
            }
        }
        mergeSort(order, sortScratch, 0, kept);
        int[] top = new int[Math.min(n, kept)];
        for (int r = 0; r < top.length; r++) {
            top[r] = eligible[order[r]];
        }
        return top;
    }

    /**
     * Highest score first, ties by item id, of the kept items at positions {@code p} and {@code q}:
     * a total order, so any correct sort gives the same.
     */
    private int compare(int p, int q) {
        int byScore = Double.compare(eligibleScores[q], eligibleScores[p]);
        return byScore != 0
                ? byScore
                : items.compare(eligible[p], eligibleKeys[p], eligible[q], eligibleKeys[q]);
    }

    /** Sorts positions {@code a[from..to)} by {@link #compare}: a merge sort. */
    private void mergeSort(int[] a, int[] scratch, int from, int to) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, scratch, from, mid);
        mergeSort(a, scratch, mid, to);
        if (compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, scratch, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && compare(scratch[i], scratch[j]) <= 0)) {
                a[k] = scratch[i++];
            } else {
                a[k] = scratch[j++];
            }
        }
    }

    /** The {@code n}-th highest of {@code eligibleScores[0..m)} (quickselect, middle pivot). */
    private double nthHighest(int m, int n) {
        if (selection.length < m) {
            selection = new double[Math.max(m, selection.length * 2)];
        }
        double[] v = selection;
        System.arraycopy(eligibleScores, 0, v, 0, m);
        int lo = 0;
        int hi = m - 1;
        int k = n - 1; // index of the n-th highest in descending order
        while (lo < hi) {
            double pivot = v[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (v[i] > pivot) {
                    i++;
                }
                while (v[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    double swap = v[i];
                    v[i++] = v[j];
                    v[j--] = swap;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                break;
            }
        }
        return v[k];
    }

    /**
     * The {@code n}-th highest of {@code eligibleScores[0..m)}, as {@link #nthHighest}: the least
     * of a min-heap that keeps the n highest seen so far.
     */
    private double nthHighestByHeap(int m, int n) {
        if (heap.length < n) {
            heap = new double[Math.max(n, heap.length * 2)];
        }
        double[] h = heap;
        for (int i = 0; i < n; i++) {
            siftUp(h, i, eligibleScores[i]);
        }
        for (int i = n; i < m; i++) {
            double x = eligibleScores[i];
            if (x > h[0]) {
                siftDown(h, n, x);
            }
        }
        return h[0];
    }

    /** Places {@code x} at {@code c}, the end of the heap {@code h[0..c)}, and moves it up. */
    private static void siftUp(double[] h, int c, double x) {
        while (c > 0) {
            int parent = (c - 1) >>> 1;
            if (h[parent] <= x) {
                break;
            }
            h[c] = h[parent];
            c = parent;
        }
        h[c] = x;
    }

    /** Replaces the least of the heap {@code h[0..n)} with {@code x} and moves it down. */
    private static void siftDown(double[] h, int n, double x) {
        int c = 0;
        while (true) {
            int child = 2 * c + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && h[child + 1] < h[child]) {
                child++;
            }
            if (h[child] >= x) {
                break;
            }
            h[c] = h[child];
            c = child;
        }
        h[c] = x;
    }

    /** Forgets every score. */
    void clear() {
        for (int i = 0; i < count; i++) {
            scores[touched[i]] = 0.0;
        }
        count = 0;
    }
}
