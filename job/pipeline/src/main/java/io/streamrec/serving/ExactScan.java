package io.streamrec.serving;

import io.streamrec.serving.ServingModel.Ranked;
import java.util.Arrays;
import java.util.Set;

/**
 * The exact top k of a query, and the rank a target item would take in it, by one scan over every
 * item that scores only the items whose {@link ItemScorer#upperBound} reaches what the scan still
 * needs. The answers equal {@link TopK#select} and {@link TopK#rankOf} over every item's score
 * (ties to the lower index). Callers refresh the static-terms bounds for {@code now} first.
 */
final class ExactScan {
    private final RowTable rows;
    private final StaticTerms statics;
    private final ItemScorer scorer;
    private final ScanOrder order = new ScanOrder();

    ExactScan(RowTable rows, StaticTerms statics, ItemScorer scorer) {
        this.rows = rows;
        this.statics = statics;
        this.scorer = scorer;
    }

    /**
     * The position (0 = best) item {@code target} would take in the exact top {@code k}, or -1 when
     * it would not be in it, stopping once {@code k} items rank before it. Most targets are far
     * from the top, and the scan order puts likely winners first, so most scans stop early.
     */
    int rankOf(float[] q, long now, int target, int k, Set<Integer> excluded) {
        float t = scorer.score(target, q, now);
        if (Float.isNaN(t)) {
            return -1;
        }
        float queryNorm = ItemScorer.queryNormBound(q);
        float needed = t - ItemScorer.slack(t);
        int before = 0;
        int n = rows.items();
        int[] scanOrder = order.forScan(n, statics);
        for (int j = 0; j < n; j++) {
            int i = j < scanOrder.length ? scanOrder[j] : j;
            if (scorer.upperBound(i, queryNorm) < needed) {
                continue; // cannot reach the target's score
            }
            float s = scorer.score(i, q, now);
            if (TopK.ranksBefore(s, i, t, target) && !excluded.contains(i) && ++before == k) {
                return -1;
            }
        }
        return before;
    }

    /**
     * The exact top k, best first, skipping {@code excluded}. A few likely winners (the head of the
     * scan order) give a first k-th best score; then one pass in index order, memory-friendly for
     * large catalogs, scores only the items whose bound reaches the current k-th best.
     */
    Ranked topK(float[] q, long now, int k, Set<Integer> excluded) {
        float queryNorm = ItemScorer.queryNormBound(q);
        int n = rows.items();
        float needed = seedThreshold(q, now, k, excluded);
        TopK.Best best = new TopK.Best(k);
        for (int i = 0; i < n; i++) {
            if (scorer.upperBound(i, queryNorm) < needed) {
                continue;
            }
            float s = scorer.score(i, q, now);
            if (!best.wouldTake(s, i) || excluded.contains(i) || Float.isNaN(s)) {
                continue;
            }
            best.offer(i, s);
            if (best.full()) {
                float lowest = best.lowestScore();
                needed = Math.max(needed, lowest - ItemScorer.slack(lowest));
            }
        }
        return new Ranked(best.items(), best.scores());
    }

    /**
     * A score every item of the top k reaches (less a rounding slack): the k-th best among the
     * first {@code 32 k} items of the scan order, or minus infinity when they hold fewer than k
     * eligible items. Any k items that score at least s leave no place for an item below s.
     */
    private float seedThreshold(float[] q, long now, int k, Set<Integer> excluded) {
        int[] scanOrder = order.forScan(rows.items(), statics);
        int seeds = Math.min(scanOrder.length, 32 * k);
        float[] scores = new float[seeds];
        int eligible = 0;
        for (int j = 0; j < seeds; j++) {
            int i = scanOrder[j];
            float s = scorer.score(i, q, now);
            if (!excluded.contains(i) && !Float.isNaN(s)) {
                scores[eligible++] = s;
            }
        }
        if (eligible < k) {
            return Float.NEGATIVE_INFINITY;
        }
        Arrays.sort(scores, 0, eligible);
        float kth = scores[eligible - k];
        return kth - ItemScorer.slack(kth);
    }
}
