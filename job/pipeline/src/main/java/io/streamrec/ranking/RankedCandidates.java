package io.streamrec.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        Integer[] order = new Integer[itemIds.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        List<String> items = new ArrayList<>(order.length);
        float[] sorted = new float[order.length];
        for (int r = 0; r < order.length; r++) {
            items.add(itemIds.get(order[r]));
            sorted[r] = scores[order[r]];
        }
        return new RankedCandidates(items, sorted);
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
