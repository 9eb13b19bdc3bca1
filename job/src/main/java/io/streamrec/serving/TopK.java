package io.streamrec.serving;

import java.util.Set;

/** Top-k selection over a score array, skipping excluded indices. */
public final class TopK {
    private TopK() {}

    /** The position of {@code target} in {@code top} (0 = best), or -1 when it is not there. */
    public static int rank(int[] top, int target) {
        for (int i = 0; i < top.length; i++) {
            if (top[i] == target) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The position {@code target} would take in {@code select(scores, k, excluded)} (0 = best), or
     * -1 when it would not be there, without selecting: counts the items that rank before it and
     * stops at {@code k} of them.
     */
    public static int rankOf(float[] scores, int target, int k, Set<Integer> excluded) {
        if (target >= scores.length || excluded.contains(target) || Float.isNaN(scores[target])) {
            return -1; // an item newer than the scores is not recommended by them
        }
        float t = scores[target];
        int before = 0;
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if ((s > t || (s == t && i < target)) && !excluded.contains(i) && ++before == k) {
                return -1;
            }
        }
        return before;
    }

    /** Indices of the {@code k} highest scores, best first; ties go to the lower index. */
    public static int[] select(float[] scores, int k, Set<Integer> excluded) {
        int[] best = new int[k];
        float[] bestScore = new float[k];
        int size = 0;
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (size == k && s <= bestScore[k - 1]) {
                continue;
            }
            if (excluded.contains(i) || Float.isNaN(s)) {
                continue;
            }
            int pos = size < k ? size : k - 1;
            while (pos > 0 && bestScore[pos - 1] < s) {
                best[pos] = best[pos - 1];
                bestScore[pos] = bestScore[pos - 1];
                pos--;
            }
            best[pos] = i;
            bestScore[pos] = s;
            if (size < k) {
                size++;
            }
        }
        return size == k ? best : java.util.Arrays.copyOf(best, size);
    }
}
