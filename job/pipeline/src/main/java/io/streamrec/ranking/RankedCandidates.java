package io.streamrec.ranking;

import io.streamrec.schema.RecommendationResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/** Candidate items best first, with their scores; ties keep the candidates' (source) order. */
public final class RankedCandidates {
    /**
     * Below a {@code k} this many times smaller than the candidates, {@link #best} selects its keys
     * instead of sorting them all: evaluation asks for 10 of about 100 to 300 (the sort was 2-3% of
     * serving's task thread in the quickstart's profile).
     */
    private static final int SELECT_BELOW = 4;

    /**
     * Above this {@code k} a selection by insertion (up to n·k steps) can cost more than a sort.
     */
    private static final int SELECT_AT_MOST = 64;

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
        int listed = Math.min(Math.max(k, 0), n);
        long[] order =
                listed <= SELECT_AT_MOST && listed * SELECT_BELOW < n
                        ? firstKeys(scores, listed)
                        : sortedKeys(scores);
        List<String> items = new ArrayList<>(listed);
        float[] sorted = new float[listed];
        for (int r = 0; r < listed; r++) {
            int i = (int) order[r];
            items.add(itemId.apply(i));
            sorted[r] = scores[i];
        }
        return new RankedCandidates(items, sorted);
    }

    /** Every candidate's key, ascending: highest score first, ties by position. */
    private static long[] sortedKeys(float[] scores) {
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            keys[i] = keyOf(scores[i], i);
        }
        Arrays.sort(keys); // a primitive sort: no boxed index per candidate
        return keys;
    }

    /**
     * The {@code k} smallest keys, ascending: the first {@code k} of {@link #sortedKeys}, since the
     * keys are distinct (each holds its position). A key enters a k-slot array by insertion only
     * when below the k-th so far: about n comparisons for a k far below n.
     */
    private static long[] firstKeys(float[] scores, int k) {
        long[] top = new long[k];
        if (k == 0) {
            return top;
        }
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            long key = keyOf(scores[i], i);
            if (filled == k) {
                if (key > top[k - 1]) {
                    continue;
                }
                filled--; // the k-th so far leaves
            }
            int j = filled - 1;
            while (j >= 0 && top[j] > key) {
                top[j + 1] = top[j];
                j--;
            }
            top[j + 1] = key;
            filled++;
        }
        return top;
    }

    /** Ascending as "highest score first, ties by index". */
    private static long keyOf(float score, int index) {
        return ((long) ~sortableBits(score) << 32) | index;
    }

    /**
     * An int that orders as {@link Float#compare} orders the floats (-0 below 0), so "highest
     * first, ties by index" is the ascending order of {@code ~bits << 32 | index}; but NaN below
     * negative infinity, where {@code Float.compare} puts it above infinity: a score that broke
     * ranks last, never first ({@code TopK} and {@code ExactScan} skip one).
     */
    private static int sortableBits(float score) {
        if (Float.isNaN(score)) {
            return Integer.MIN_VALUE; // no float maps there: its bits would be a NaN's
        }
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

    /**
     * The first {@code k} items with their scores, as an answer gives them; when they are fewer
     * than k (a young catalog with few events), {@code fill}'s items not among them follow in
     * {@code fill}'s order, each scored 1 below the item before it. Scores are finite ({@link
     * RecommendationResult.ScoredItem#finite}): 1 below a NaN would make every filler NaN.
     */
    public List<RecommendationResult.ScoredItem> scoredTop(
            int k, List<RecommendationResult.ScoredItem> fill) {
        return scoredTop(k, fill, Set.of());
    }

    /**
     * {@link #scoredTop(int, List)} without the items of {@code excluded} (the user's own, which
     * the candidates may hold when the request knows items the statistics do not): the first {@code
     * k} items not excluded, each with its score, then the fill's.
     */
    public List<RecommendationResult.ScoredItem> scoredTop(
            int k, List<RecommendationResult.ScoredItem> fill, Set<String> excluded) {
        List<RecommendationResult.ScoredItem> scored = new ArrayList<>(k);
        Set<String> taken = new HashSet<>(excluded);
        float lowest = 0f;
        for (int j = 0; j < items.size() && scored.size() < k; j++) {
            if (taken.add(items.get(j))) {
                lowest = RecommendationResult.ScoredItem.finite(score(j));
                scored.add(new RecommendationResult.ScoredItem(items.get(j), lowest));
            }
        }
        if (scored.size() < k) {
            for (RecommendationResult.ScoredItem filler : fill) {
                if (scored.size() < k && taken.add(filler.itemId())) {
                    lowest -= 1f;
                    scored.add(new RecommendationResult.ScoredItem(filler.itemId(), lowest));
                }
            }
        }
        return scored;
    }

    public float score(int rank) {
        return scores[rank];
    }

    public int size() {
        return items.size();
    }
}
