package io.streamrec.serving;

import java.util.Arrays;
import java.util.Set;
import java.util.function.IntPredicate;

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
        return rankOf(scores, target, k, (IntPredicate) excluded::contains);
    }

    /** {@link #rankOf(float[], int, int, Set)}, the excluded items as a test of the index. */
    public static int rankOf(float[] scores, int target, int k, IntPredicate excluded) {
        if (unranked(scores, target, excluded)) {
            return -1;
        }
        float t = scores[target];
        int before = 0;
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (ranksBefore(s, i, t, target) && !excluded.test(i) && ++before == k) {
                return -1;
            }
        }
        return before;
    }

    /** Whether {@code target} is in no top list of {@code scores}, whatever k. */
    private static boolean unranked(float[] scores, int target, IntPredicate excluded) {
        // an item newer than the scores is not recommended by them
        return target >= scores.length || excluded.test(target) || Float.isNaN(scores[target]);
    }

    /** Indices of the {@code k} highest scores, best first; ties go to the lower index. */
    public static int[] select(float[] scores, int k, Set<Integer> excluded) {
        return select(scores, k, (IntPredicate) excluded::contains);
    }

    /** {@link #select(float[], int, Set)}, the excluded items as a test of the index. */
    public static int[] select(float[] scores, int k, IntPredicate excluded) {
        Best best = new Best(k);
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (best.wouldTake(s, i) && !excluded.test(i) && !Float.isNaN(s)) {
                best.offer(i, s);
            }
        }
        return best.items();
    }

    /** Whether score {@code s} of item {@code i} ranks before {@code other} of item {@code j}. */
    static boolean ranksBefore(float s, int i, float other, int j) {
        return s > other || (s == other && i < j);
    }

    /**
     * The first {@code m} items of {@link #select} over one score array, none excluded, for many
     * {@link #rankOf} questions about the same scores: a question walks them instead of scanning
     * every score (10k items twice per evaluated event in the baselines), and scans only when more
     * of them are excluded than the walk can spare.
     */
    public static final class Leaders {
        private static final IntPredicate NONE = i -> false;

        private final int m;
        private float[] scores = new float[0];
        private int[] order = new int[0];

        public Leaders(int m) {
            this.m = m;
        }

        /** Takes {@code scores}, which must not change while this answers about them. */
        public void take(float[] scores) {
            this.scores = scores;
            this.order = select(scores, m, NONE);
        }

        /** {@link TopK#rankOf(float[], int, int, IntPredicate)} over the scores taken. */
        public int rankOf(int target, int k, IntPredicate excluded) {
            if (unranked(scores, target, excluded)) {
                return -1;
            }
            int before = 0;
            for (int i : order) {
                if (i == target) {
                    return before;
                }
                if (!excluded.test(i) && ++before == k) {
                    return -1;
                }
            }
            return TopK.rankOf(scores, target, k, excluded);
        }
    }

    /**
     * The {@code k} best items offered so far, in the order of {@link #select}: higher score first,
     * ties to the lower index, whatever order they are offered in.
     */
    public static final class Best {
        private final int k;
        private final int[] items;
        private final float[] scores;
        private int size;

        public Best(int k) {
            this.k = k;
            this.items = new int[k];
            this.scores = new float[k];
        }

        /** Whether item {@code i} with score {@code s} would be taken in now. */
        public boolean wouldTake(float s, int i) {
            return size < k || ranksBefore(s, i, scores[k - 1], items[k - 1]);
        }

        public void offer(int i, float s) {
            if (!wouldTake(s, i)) {
                return;
            }
            int pos = size < k ? size : k - 1;
            while (pos > 0 && ranksBefore(s, i, scores[pos - 1], items[pos - 1])) {
                items[pos] = items[pos - 1];
                scores[pos] = scores[pos - 1];
                pos--;
            }
            items[pos] = i;
            scores[pos] = s;
            if (size < k) {
                size++;
            }
        }

        public boolean full() {
            return size == k;
        }

        /** The lowest score held; meaningful once {@link #full}. */
        public float lowestScore() {
            return scores[k - 1];
        }

        public int[] items() {
            return Arrays.copyOf(items, size);
        }

        public float[] scores() {
            return Arrays.copyOf(scores, size);
        }
    }
}
