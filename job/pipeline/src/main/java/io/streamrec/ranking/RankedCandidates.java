package io.streamrec.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/** Candidate items best first, with their scores; ties keep the candidates' (source) order. */
public final class RankedCandidates {
    private final List<String> items;
    private final float[] scores;

    private RankedCandidates(List<String> items, float[] scores) {
        this.items = items;
        this.scores = scores;
    }

    /** {@code itemIds} sorted by {@code scores}, highest first; a stable sort. */
    public static RankedCandidates of(List<String> itemIds, float[] scores) {
        return best(itemIds::get, scores, scores.length);
    }

    /**
     * The first {@code k} of {@link #of} over the items {@code itemId} names by position, the
     * others not listed: for a ranking asked only about its top.
     */
    public static RankedCandidates best(IntFunction<String> itemId, float[] scores, int k) {
        int n = scores.length;
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = ((long) ~sortableBits(scores[i]) << 32) | i;
        }
        Arrays.sort(order); // a primitive sort: no boxed index per candidate
        int listed = Math.min(Math.max(k, 0), n);
        List<String> items = new ArrayList<>(listed);
        float[] sorted = new float[listed];
        for (int r = 0; r < listed; r++) {
            int i = (int) order[r];
            items.add(itemId.apply(i));
            sorted[r] = scores[i];
        }
        return new RankedCandidates(items, sorted);
    }

    /**
     * An int that orders as {@link Float#compare} orders the floats (-0 below 0, NaN above
     * infinity), so "highest first, ties by index" is the ascending order of {@code ~bits << 32 |
     * index}.
     */
    private static int sortableBits(float score) {
        int bits = Float.floatToIntBits(score);
        return bits ^ ((bits >> 31) & Integer.MAX_VALUE);
    }

    /** The position (0 = best) of an item within the first {@code k}, -1 when not there. */
    public int rankOf(String itemId, int k) {
        int n = Math.min(k, items.size());
        for (int r = 0; r < n; r++) {
            if (items.get(r).equals(itemId)) {
                return r;
            }
        }
        return -1;
    }

    /** The first {@code k} items. */
    public List<String> top(int k) {
        return items.subList(0, Math.min(k, items.size()));
    }

    public float score(int rank) {
        return scores[rank];
    }

    public int size() {
        return items.size();
    }
}
