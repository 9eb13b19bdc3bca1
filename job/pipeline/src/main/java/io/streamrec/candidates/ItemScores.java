package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One source's scores for one read, dense by item index, and their top {@code n}: highest score
 * first, ties by item id. Reused between reads; {@link #clear} costs the items touched.
 */
final class ItemScores {
    private final IdIndex items;
    private double[] scores = new double[16];
    private boolean[] listed = new boolean[16];
    private int[] touched = new int[16];
    private int count;
    private double[] selection = new double[16];
    private int[] eligible = new int[16];
    private int[] sortScratch = new int[16];

    ItemScores(IdIndex items) {
        this.items = items;
    }

    void add(int item, double amount) {
        if (item >= scores.length) {
            int grown = Math.max(item + 1, scores.length * 2);
            scores = Arrays.copyOf(scores, grown);
            listed = Arrays.copyOf(listed, grown);
        }
        if (!listed[item]) {
            if (count == touched.length) {
                touched = Arrays.copyOf(touched, count * 2);
            }
            touched[count++] = item;
            listed[item] = true;
        }
        scores[item] += amount;
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

    /** The items of {@link #top}, best first, in int arrays throughout: no boxed index. */
    int[] topItems(int n, ExcludedItems excluded) {
        if (eligible.length < count) {
            eligible = new int[Math.max(count, eligible.length * 2)];
        }
        int m = 0;
        for (int i = 0; i < count; i++) {
            int item = touched[i];
            if (scores[item] > 0.0 && !excluded.contains(item)) {
                eligible[m++] = item;
            }
        }
        double cut = m <= n ? 0.0 : nthHighest(m, n);
        int kept = 0;
        for (int i = 0; i < m; i++) {
            if (scores[eligible[i]] >= cut) {
                eligible[kept++] = eligible[i];
            }
        }
        sortBestFirst(eligible, kept);
        return Arrays.copyOf(eligible, Math.min(n, kept));
    }

    /** Highest score first, ties by item id: a total order, so any correct sort gives the same. */
    private int compare(int a, int b) {
        int byScore = Double.compare(scores[b], scores[a]);
        return byScore != 0 ? byScore : items.compare(a, b);
    }

    /** Sorts {@code a[0..n)} best first: merge sort over a scratch array. */
    private void sortBestFirst(int[] a, int n) {
        if (sortScratch.length < n) {
            sortScratch = new int[Math.max(n, sortScratch.length * 2)];
        }
        mergeSort(a, sortScratch, 0, n);
    }

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

    /** The {@code n}-th highest score of {@code eligible[0..m)} (quickselect, middle pivot). */
    private double nthHighest(int m, int n) {
        if (selection.length < m) {
            selection = new double[Math.max(m, selection.length * 2)];
        }
        double[] v = selection;
        for (int i = 0; i < m; i++) {
            v[i] = scores[eligible[i]];
        }
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

    /** Forgets every score. */
    void clear() {
        for (int i = 0; i < count; i++) {
            scores[touched[i]] = 0.0;
            listed[touched[i]] = false;
        }
        count = 0;
    }
}
