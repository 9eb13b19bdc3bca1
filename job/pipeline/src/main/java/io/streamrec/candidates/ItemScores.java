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
        List<Integer> eligible = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int item = touched[i];
            if (scores[item] > 0.0 && !excluded.contains(item)) {
                eligible.add(item);
            }
        }
        double cut = eligible.size() <= n ? 0.0 : nthHighest(eligible, n);
        List<Integer> kept = new ArrayList<>(Math.min(n, eligible.size()) + 8);
        for (int item : eligible) {
            if (scores[item] >= cut) {
                kept.add(item);
            }
        }
        kept.sort(
                (a, b) -> {
                    int byScore = Double.compare(scores[b], scores[a]);
                    return byScore != 0 ? byScore : items.id(a).compareTo(items.id(b));
                });
        List<ScoredItem> out = new ArrayList<>(n);
        for (int i = 0; i < Math.min(n, kept.size()); i++) {
            out.add(new ScoredItem(items.id(kept.get(i)), scores[kept.get(i)]));
        }
        return out;
    }

    /** The {@code n}-th highest score of {@code eligible} (quickselect, middle pivot). */
    private double nthHighest(List<Integer> eligible, int n) {
        int m = eligible.size();
        if (selection.length < m) {
            selection = new double[Math.max(m, selection.length * 2)];
        }
        double[] v = selection;
        for (int i = 0; i < m; i++) {
            v[i] = scores[eligible.get(i)];
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
