package io.streamrec.tools.offline;

import io.streamrec.schema.UserEvent;
import io.streamrec.serving.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prequential (test-then-learn) evaluation of non-learned baselines over an ordered event stream,
 * with the protocol of the job's serving evaluation: before each event, rank every known item for
 * the event's user, excluding the items the user already interacted with; a hit is the event's item
 * among the top {@code k}; ties go to the lower item index (catalog order, then first seen).
 *
 * <p>Baselines: all-time popularity; trending popularity (exponentially decayed counts) for each
 * half-life given; and last-item co-occurrence blended with trending, {@code cooc(last, i) /
 * occurrences(last) + lambda * trendShare(i)}, for each (half-life, lambda) given. Co-occurrence
 * counts pairs of items within {@link #COOC_WINDOW} consecutive interactions of a user.
 */
public final class BaselineEvaluator {
    /** Interactions of a user that count as co-occurring with the next one. */
    public static final int COOC_WINDOW = 5;

    private final int k;
    private final long windowMs;
    private final int maxUserItems;
    private final long[] halfLivesMs;
    private final double[] lambdas;

    private final Map<String, Integer> index = new HashMap<>();
    private int items;
    private float[] popularity = new float[0];

    /** Per half-life: log of the decayed count anchored at the first event's time. */
    private float[][] logTrend;

    private double[] logTotal;
    private final List<Map<Integer, Integer>> cooc = new ArrayList<>();
    private int[] occurrences = new int[0];
    private final Map<String, List<Integer>> userItems = new HashMap<>();
    private long t0 = Long.MIN_VALUE;
    private final Map<String, WindowedHits> results = new LinkedHashMap<>();

    /**
     * @param catalogIds item ids in catalog order (their indices come first, as in serving)
     * @param k cut-off (10 for HR@10)
     * @param windowMs event-time window of the per-window figures
     * @param maxUserItems items remembered per user (the job's {@code worker.max-user-items})
     */
    public BaselineEvaluator(
            List<String> catalogIds,
            int k,
            long windowMs,
            int maxUserItems,
            long[] halfLivesMs,
            double[] lambdas) {
        this.k = k;
        this.windowMs = windowMs;
        this.maxUserItems = maxUserItems;
        this.halfLivesMs = halfLivesMs.clone();
        this.lambdas = lambdas.clone();
        this.logTrend = new float[halfLivesMs.length][0];
        this.logTotal = new double[halfLivesMs.length];
        Arrays.fill(logTotal, Double.NEGATIVE_INFINITY);
        results.put("popularity", new WindowedHits());
        for (long h : halfLivesMs) {
            results.put(trendingName(h), new WindowedHits());
        }
        for (long h : halfLivesMs) {
            for (double l : lambdas) {
                results.put(blendName(h, l), new WindowedHits());
            }
        }
        catalogIds.forEach(this::indexOf);
    }

    public static String trendingName(long halfLifeMs) {
        return "trending(half-life " + duration(halfLifeMs) + ")";
    }

    public static String blendName(long halfLifeMs, double lambda) {
        return "co-occurrence + " + lambda + " x trending(" + duration(halfLifeMs) + ")";
    }

    private static String duration(long ms) {
        long h = ms / 3_600_000L;
        return h % 24 == 0 ? (h / 24) + "d" : h + "h";
    }

    /** Evaluates then learns one event. */
    public void accept(UserEvent e) {
        if (t0 == Long.MIN_VALUE) {
            t0 = e.timestamp();
        }
        int target = indexOf(e.itemId());
        List<Integer> history = userItems.computeIfAbsent(e.userId(), u -> new ArrayList<>());
        Set<Integer> excluded = new HashSet<>(history);
        long window = Math.floorDiv(e.timestamp(), windowMs) * windowMs;

        results.get("popularity").record(window, TopK.rankOf(popularity, target, k, excluded));
        for (int h = 0; h < halfLivesMs.length; h++) {
            int[] top = TopK.select(logTrend[h], k, excluded);
            results.get(trendingName(halfLivesMs[h])).record(window, TopK.rank(top, target));
            for (double lambda : lambdas) {
                results.get(blendName(halfLivesMs[h], lambda))
                        .record(
                                window,
                                TopK.rank(blend(history, excluded, h, lambda, top), target));
            }
        }
        learn(e, target, history);
    }

    /**
     * Top k of {@code cooc(last, i) / occ(last) + lambda * share_h(i)}: items with no co-occurrence
     * rank by trending alone, so the candidates are the last item's co-occurring items plus
     * trending's own top k, which makes the result exact.
     */
    private int[] blend(
            List<Integer> history, Set<Integer> excluded, int h, double lambda, int[] trendTop) {
        Map<Integer, Integer> neighbours =
                history.isEmpty() ? Map.of() : cooc.get(history.get(history.size() - 1));
        double occ =
                history.isEmpty() ? 1 : Math.max(1, occurrences[history.get(history.size() - 1)]);
        Map<Integer, Double> candidates = new HashMap<>();
        for (int i : trendTop) {
            candidates.put(i, 0.0);
        }
        for (Map.Entry<Integer, Integer> n : neighbours.entrySet()) {
            if (!excluded.contains(n.getKey())) {
                candidates.put(n.getKey(), n.getValue() / occ);
            }
        }
        List<Map.Entry<Integer, Double>> scored = new ArrayList<>();
        for (Map.Entry<Integer, Double> c : candidates.entrySet()) {
            double share = Math.exp(logTrend[h][c.getKey()] - logTotal[h]);
            scored.add(Map.entry(c.getKey(), c.getValue() + lambda * share));
        }
        scored.sort(
                (a, b) -> {
                    int byScore = Double.compare(b.getValue(), a.getValue());
                    return byScore != 0 ? byScore : Integer.compare(a.getKey(), b.getKey());
                });
        int n = Math.min(k, scored.size());
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = scored.get(i).getKey();
        }
        return top;
    }

    private void learn(UserEvent e, int target, List<Integer> history) {
        popularity[target] += 1f;
        for (int h = 0; h < halfLivesMs.length; h++) {
            double x = (e.timestamp() - t0) * (Math.log(2) / halfLivesMs[h]);
            logTrend[h][target] = (float) logAddExp(logTrend[h][target], x);
            logTotal[h] = logAddExp(logTotal[h], x);
        }
        for (int j = Math.max(0, history.size() - COOC_WINDOW); j < history.size(); j++) {
            int a = history.get(j);
            if (a != target) {
                cooc.get(a).merge(target, 1, Integer::sum);
                cooc.get(target).merge(a, 1, Integer::sum);
                occurrences[a]++;
                occurrences[target]++;
            }
        }
        // like the worker's per-user item list: every interaction appended, the oldest dropped
        history.add(target);
        if (history.size() > maxUserItems) {
            history.remove(0);
        }
    }

    private static double logAddExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }

    private int indexOf(String itemId) {
        Integer i = index.get(itemId);
        if (i != null) {
            return i;
        }
        int n = items++;
        index.put(itemId, n);
        if (n >= popularity.length) {
            int cap = Math.max(16, n * 2);
            popularity = Arrays.copyOf(popularity, cap);
            occurrences = Arrays.copyOf(occurrences, cap);
            for (int h = 0; h < logTrend.length; h++) {
                int old = logTrend[h].length;
                logTrend[h] = Arrays.copyOf(logTrend[h], cap);
                Arrays.fill(logTrend[h], old, cap, Float.NEGATIVE_INFINITY);
            }
        }
        cooc.add(new HashMap<>());
        return n;
    }

    /** Figures per baseline, in the order they were declared. */
    public Map<String, WindowedHits> results() {
        return results;
    }

    /** Hit rate and NDCG at k, overall and per event-time window. */
    public static final class WindowedHits {
        /** window start to {events, hits, ndcg sum}. */
        private final TreeMap<Long, double[]> windows = new TreeMap<>();

        public void record(long window, int rank) {
            double[] w = windows.computeIfAbsent(window, x -> new double[3]);
            w[0]++;
            if (rank >= 0) {
                w[1]++;
                w[2] += 1.0 / (Math.log(rank + 2) / Math.log(2));
            }
        }

        public long events() {
            return (long) windows.values().stream().mapToDouble(w -> w[0]).sum();
        }

        public double hitRate() {
            double n = windows.values().stream().mapToDouble(w -> w[0]).sum();
            return n == 0 ? 0 : windows.values().stream().mapToDouble(w -> w[1]).sum() / n;
        }

        public double ndcg() {
            double n = windows.values().stream().mapToDouble(w -> w[0]).sum();
            return n == 0 ? 0 : windows.values().stream().mapToDouble(w -> w[2]).sum() / n;
        }

        /** Window start to HR in that window. */
        public TreeMap<Long, Double> hitRatePerWindow() {
            TreeMap<Long, Double> out = new TreeMap<>();
            windows.forEach((start, w) -> out.put(start, w[0] == 0 ? 0 : w[1] / w[0]));
            return out;
        }
    }
}
