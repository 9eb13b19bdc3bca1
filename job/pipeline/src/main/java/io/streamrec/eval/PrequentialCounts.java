package io.streamrec.eval;

import java.util.Map;
import java.util.TreeMap;

/**
 * Test-then-learn counters of one serving subtask, per event-time window: events evaluated, and for
 * each recommender the hits and the summed NDCG of its top-10. Kept in operator state, so the
 * counts are exactly-once like the model.
 */
public final class PrequentialCounts {
    /** Recommenders evaluated side by side, in this order. */
    public static final String[] RECOMMENDERS = {"model", "popularity", "trending"};

    static final int FIELDS = 1 + 2 * RECOMMENDERS.length;

    final int subtask;

    /** window start (epoch ms) -> [n, hits per recommender..., ndcg per recommender...]. */
    final TreeMap<Long, double[]> windows;

    public PrequentialCounts(int subtask) {
        this(subtask, new TreeMap<>());
    }

    PrequentialCounts(int subtask, TreeMap<Long, double[]> windows) {
        this.subtask = subtask;
        this.windows = windows;
    }

    /**
     * Records one evaluated event; {@code ranks[r]} is the 0-based rank of the item, -1 if missed.
     */
    public void record(long windowStart, int[] ranks) {
        double[] w = windows.computeIfAbsent(windowStart, x -> new double[FIELDS]);
        w[0]++;
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            if (ranks[r] >= 0) {
                w[1 + r]++;
                w[1 + RECOMMENDERS.length + r] += 1.0 / (Math.log(ranks[r] + 2) / Math.log(2));
            }
        }
    }

    public void addAll(PrequentialCounts other) {
        other.windows.forEach(
                (start, values) -> {
                    double[] w = windows.computeIfAbsent(start, x -> new double[FIELDS]);
                    for (int i = 0; i < FIELDS; i++) {
                        w[i] += values[i];
                    }
                });
    }

    public int subtask() {
        return subtask;
    }

    public Map<Long, double[]> windows() {
        return windows;
    }

    public long events() {
        return (long) total()[0];
    }

    /** Hit rate at 10 of recommender {@code r} in the latest event-time window (0 if none). */
    public double latestWindowHitRate(int r) {
        if (windows.isEmpty()) {
            return 0;
        }
        double[] w = windows.lastEntry().getValue();
        return w[0] == 0 ? 0 : w[1 + r] / w[0];
    }

    /** Hit rate at 10 of recommender {@code r}. */
    public double hitRate(int r) {
        double[] t = total();
        return t[0] == 0 ? 0 : t[1 + r] / t[0];
    }

    public double ndcg(int r) {
        double[] t = total();
        return t[0] == 0 ? 0 : t[1 + RECOMMENDERS.length + r] / t[0];
    }

    double[] total() {
        double[] t = new double[FIELDS];
        for (double[] w : windows.values()) {
            for (int i = 0; i < FIELDS; i++) {
                t[i] += w[i];
            }
        }
        return t;
    }

    public PrequentialCounts copy() {
        TreeMap<Long, double[]> w = new TreeMap<>();
        windows.forEach((k, v) -> w.put(k, v.clone()));
        return new PrequentialCounts(subtask, w);
    }
}
