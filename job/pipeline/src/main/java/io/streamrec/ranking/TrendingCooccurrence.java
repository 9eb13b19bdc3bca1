package io.streamrec.ranking;

import io.streamrec.candidates.BoundedCounts;
import io.streamrec.candidates.Candidate;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.Source;
import io.streamrec.candidates.StatisticsView;
import io.streamrec.candidates.UserHistories;
import java.util.List;

/**
 * The simple heuristic the learned ranker must beat, read from the same statistics: over the user's
 * candidates, {@code C[last, j] / n(last) + lambda * p(j) / sum p}, where {@code last} is the
 * user's latest item, C its co-occurrence row and p the 1-day decayed popularity (its sum taken
 * over the candidates, which hold trending's top items). Users without history get trending.
 */
public final class TrendingCooccurrence {
    /** The trending weight of the best blend of the project's baseline sweep (BENCHMARKS). */
    public static final double LAMBDA = 3.0;

    private final CandidateGenerator generator;
    private final StatisticsView stats;

    /**
     * The latest item's co-occurrence row by item, spread once per call: a candidate then costs a
     * lookup instead of a scan of the row (up to 200 entries for each of about 200 candidates).
     */
    private final KeyedRows lastRow = new KeyedRows(1);

    public TrendingCooccurrence(CandidateGenerator generator) {
        this.generator = generator;
        this.stats = new StatisticsView(generator);
    }

    /**
     * The best {@code k} candidates by the blend (read before the event is applied); the rest are
     * not listed: evaluation asks only where the event's item is among the first k.
     */
    public RankedCandidates rank(String userId, CandidateSet candidates, long t, int k) {
        List<Candidate> list = candidates.candidates();
        int[] items = new int[list.size()];
        double[] trend = new double[list.size()];
        double trendSum = 0;
        int c = 0;
        for (Candidate candidate : list) {
            items[c] = stats.item(candidate);
            trend[c] = stats.popularity(Source.POPULARITY_1D, items[c], t);
            trendSum += trend[c++];
        }
        int user = stats.user(userId);
        UserHistories histories = stats.userItems();
        int last = histories.size(user) == 0 ? -1 : histories.get(user, 0);
        spreadCooccurrence(last);
        double occurrences = last < 0 ? 1 : Math.max(1, stats.events(last));
        float[] scores = new float[list.size()];
        for (int i = 0; i < scores.length; i++) {
            double co = items[i] < 0 ? 0 : lastRow.get(items[i], 0) / occurrences;
            scores[i] = (float) (co + LAMBDA * (trendSum > 0 ? trend[i] / trendSum : 0));
        }
        return RankedCandidates.best(i -> list.get(i).itemId(), scores, k);
    }

    /** Fills {@link #lastRow} with C[last, j] by j; empty for a user without history. */
    private void spreadCooccurrence(int last) {
        lastRow.clear();
        if (last < 0) {
            return;
        }
        BoundedCounts row = stats.cooccurrence(last);
        for (int s = 0; s < row.size(); s++) {
            lastRow.set(row.key(s), 0, row.countAt(s));
        }
    }

    public CandidateGenerator generator() {
        return generator;
    }
}
