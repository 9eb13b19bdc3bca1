package io.streamrec.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Test-then-learn counters of one serving subtask. Per event-time window: events evaluated, and for
 * each recommender the hits, the summed NDCG of its top-10 and the events it ranked (a recommender
 * a model type does not have, such as trending + co-occurrence under BPR, ranks none: its figures
 * are absent, not 0). For the whole run: the distinct items each recommender put in its top-10
 * lists and how many items there were to choose from, the catalog coverage. Kept in operator state,
 * so the counts are exactly-once like the model.
 *
 * <p>The latest {@link #MAX_WINDOWS} windows are kept apart; older ones fold into one earlier
 * total, so the whole run's figures stay exact while the state, and the report each checkpoint
 * writes, stay bounded however long the job runs and however short {@code eval.window} is.
 *
 * <p>Every evaluated event has exactly one relevant item, the event's own: so recall@10 equals
 * HR@10 and precision@10 is HR@10 / 10 (see {@link Quality}); they are derived, not counted.
 */
public final class PrequentialCounts {
    /** Recommenders evaluated side by side, in this order. */
    public static final String[] RECOMMENDERS = {
        "model", "popularity", "trending", "trending+cooccurrence"
    };

    /** The recommenders of schema version 1 of the state and of reports without a list. */
    static final String[] VERSION_1_RECOMMENDERS = {"model", "popularity", "trending"};

    /** The length of the lists evaluated: the 10 of HR@10. */
    public static final int K = 10;

    /**
     * A rank for a recommender that did not rank the event (-1 is a miss: ranked, not in the top
     * 10).
     */
    public static final int NOT_RANKED = -2;

    static final int FIELDS = fields(RECOMMENDERS.length);

    /**
     * Windows kept apart: five years of the default weekly window, ten days of hourly ones. A
     * window is about 800 bytes of report JSON, written at every checkpoint, and a report must stay
     * well inside Kafka's default 1 MB record limit: MovieLens latest-small spans 22 years, 1,150
     * weeks, which would not fit.
     */
    public static final int MAX_WINDOWS = 260;

    final int subtask;

    /**
     * window start (epoch ms) -> [n, hits per recommender..., ndcg per recommender..., events
     * ranked per recommender...]; n counts every evaluated event.
     */
    final TreeMap<Long, double[]> windows;

    /** The counts of the windows before {@link #windows}, folded into one, in the same layout. */
    final double[] earlier;

    /**
     * Covered items kept by id per recommender; beyond this, as a {@link CoverageSketch} (16 KB
     * however large the catalog), so the state, its copy at every checkpoint and the report stay
     * small where a model covers hundreds of thousands of items.
     */
    static final int MAX_EXACT_COVERED = 20_000;

    /**
     * Per recommender, the distinct item ids of its top-10 lists so far, at most {@link
     * #MAX_EXACT_COVERED}; null while it supplied none (its coverage is absent rather than 0) or
     * once its items are a sketch.
     */
    final List<TreeSet<String>> coveredItems;

    /**
     * Per recommender, a sketch of its covered items once there are more than {@link
     * #MAX_EXACT_COVERED}, or where a report carried a sketch (too many ids to fit a Kafka record:
     * {@link EvalReportCodec}); null where the ids are kept or none were supplied.
     */
    final List<CoverageSketch> coverageSketches =
            new ArrayList<>(Collections.nCopies(RECOMMENDERS.length, null));

    /** The most items a recommender could choose from at an evaluated event: coverage's base. */
    long itemsKnown;

    /**
     * Per recommender, the same items as {@link #coveredItems} in a hash set, filled on first use:
     * most top-10 items are covered already, and finding one here costs a hash instead of a walk
     * down the sorted tree that the reports and state are written from.
     */
    private final List<Set<String>> seenItems =
            new ArrayList<>(Collections.nCopies(RECOMMENDERS.length, null));

    public PrequentialCounts(int subtask) {
        this(subtask, new TreeMap<>(), noCoverage(), 0);
    }

    PrequentialCounts(int subtask, TreeMap<Long, double[]> windows) {
        this(subtask, windows, noCoverage(), 0);
    }

    PrequentialCounts(
            int subtask,
            TreeMap<Long, double[]> windows,
            List<TreeSet<String>> coveredItems,
            long itemsKnown) {
        this(subtask, windows, new double[FIELDS], coveredItems, itemsKnown);
    }

    /**
     * Counts of {@code windows} and the {@code earlier} ones, at most {@link #MAX_WINDOWS} apart.
     */
    PrequentialCounts(
            int subtask,
            TreeMap<Long, double[]> windows,
            double[] earlier,
            List<TreeSet<String>> coveredItems,
            long itemsKnown) {
        this.subtask = subtask;
        this.windows = windows;
        this.earlier = earlier;
        this.coveredItems = coveredItems;
        this.itemsKnown = itemsKnown;
        foldOldWindows();
    }

    /**
     * Records one evaluated event without top-10 lists (the coverage stays as it is); {@code
     * ranks[r]} is the 0-based rank of the item, -1 if missed.
     */
    public void record(long windowStart, int[] ranks) {
        record(windowStart, ranks, null, 0);
    }

    /**
     * Records one evaluated event.
     *
     * @param ranks per recommender, the 0-based rank of the event's item, -1 if missed, {@link
     *     #NOT_RANKED} where that recommender did not rank the event
     * @param topItems per recommender, the item ids of its top-10 for this event; null for all, or
     *     a null entry for one, when they are not known (that recommender's coverage stays absent
     *     until lists come)
     * @param itemsKnown how many items the recommenders could choose from at this event
     */
    public void record(long windowStart, int[] ranks, String[][] topItems, long itemsKnown) {
        if (ranks.length != RECOMMENDERS.length) {
            throw new IllegalArgumentException(
                    ranks.length + " ranks for " + RECOMMENDERS.length + " recommenders");
        }
        double[] w = window(windowStart);
        w[0]++;
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            if (ranks[r] == NOT_RANKED) {
                continue;
            }
            w[1 + 2 * RECOMMENDERS.length + r]++;
            if (ranks[r] >= 0) {
                w[1 + r]++;
                w[1 + RECOMMENDERS.length + r] += 1.0 / (Math.log(ranks[r] + 2) / Math.log(2));
            }
        }
        if (topItems != null) {
            for (int r = 0; r < RECOMMENDERS.length; r++) {
                if (topItems[r] != null) {
                    cover(r, Arrays.asList(topItems[r]));
                }
            }
            this.itemsKnown = Math.max(this.itemsKnown, itemsKnown);
        }
    }

    /**
     * The counts of the window starting at {@code windowStart}: the earlier total when all {@link
     * #MAX_WINDOWS} windows kept are later (a late event); a new window folds the oldest.
     */
    private double[] window(long windowStart) {
        double[] w = windows.get(windowStart);
        if (w != null) {
            return w;
        }
        if (windows.size() >= MAX_WINDOWS && windowStart < windows.firstKey()) {
            return earlier;
        }
        w = new double[FIELDS];
        windows.put(windowStart, w);
        foldOldWindows();
        return w;
    }

    /** Folds the oldest windows into {@link #earlier} until {@link #MAX_WINDOWS} are left. */
    private void foldOldWindows() {
        while (windows.size() > MAX_WINDOWS) {
            addTo(earlier, windows.pollFirstEntry().getValue());
        }
    }

    private static void addTo(double[] sum, double[] values) {
        for (int i = 0; i < FIELDS; i++) {
            sum[i] += values[i];
        }
    }

    /**
     * Adds another subtask's counts: windows and earlier totals add up, covered items unite (as a
     * sketch where either side has only a sketch of them).
     */
    public void addAll(PrequentialCounts other) {
        other.windows.forEach((start, values) -> addTo(window(start), values));
        addTo(earlier, other.earlier);
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            if (other.coveredItems.get(r) != null) {
                cover(r, other.coveredItems.get(r));
            } else if (other.coverageSketches.get(r) != null) {
                sketchOf(r).addAll(other.coverageSketches.get(r));
            }
        }
        itemsKnown = Math.max(itemsKnown, other.itemsKnown);
    }

    /**
     * Recommender {@code r}'s covered items as a sketch from now on, the ids known so far in it.
     */
    private CoverageSketch sketchOf(int r) {
        CoverageSketch sketch = coverageSketches.get(r);
        if (sketch == null) {
            TreeSet<String> ids = coveredItems.get(r);
            sketch = ids == null ? new CoverageSketch() : CoverageSketch.of(ids);
            coverageSketches.set(r, sketch);
            coveredItems.set(r, null);
            seenItems.set(r, null);
        }
        return sketch;
    }

    /** Adds {@code items} to recommender {@code r}'s covered items. */
    private void cover(int r, Collection<String> items) {
        CoverageSketch sketch = coverageSketches.get(r);
        if (sketch != null) {
            items.forEach(sketch::add);
            return;
        }
        TreeSet<String> covered = coveredOf(r);
        Set<String> seen = seenItems.get(r);
        if (seen == null) {
            seen = new HashSet<>(covered);
            seenItems.set(r, seen);
        }
        for (String item : items) {
            if (seen.add(item)) {
                covered.add(item);
            }
        }
        if (covered.size() > MAX_EXACT_COVERED) {
            sketchOf(r);
        }
    }

    private TreeSet<String> coveredOf(int r) {
        if (coveredItems.get(r) == null) {
            coveredItems.set(r, new TreeSet<>());
        }
        return coveredItems.get(r);
    }

    public int subtask() {
        return subtask;
    }

    /**
     * The latest {@link #MAX_WINDOWS} windows by start; the events before them are {@link
     * #earlier()}.
     */
    public Map<Long, double[]> windows() {
        return windows;
    }

    /** The counts of the windows before {@link #windows()}, folded into one (zeros when none). */
    public double[] earlier() {
        return earlier;
    }

    public long events() {
        return (long) total()[0];
    }

    /** The quality of recommender {@code r} in the latest event-time window (none: no events). */
    public Quality latestWindowQuality(int r) {
        return windows.isEmpty()
                ? new Quality(0, 0, 0)
                : quality(windows.lastEntry().getValue(), r);
    }

    /** Hit rate at 10 of recommender {@code r}. */
    public double hitRate(int r) {
        return quality(r).hitRate();
    }

    public double ndcg(int r) {
        return quality(r).ndcg();
    }

    /** The quality of recommender {@code r} over all windows, the folded earlier ones too. */
    public Quality quality(int r) {
        return quality(total(), r);
    }

    /** The quality of recommender {@code r} in one window, a value of {@link #windows()}. */
    public static Quality quality(double[] window, int r) {
        return new Quality(
                window[1 + 2 * RECOMMENDERS.length + r],
                window[1 + r],
                window[1 + RECOMMENDERS.length + r]);
    }

    /**
     * Catalog coverage@10 of recommender {@code r}: the distinct items of its top-10 lists over the
     * evaluated events, over the items known; absent while it supplied no lists. Estimated (to
     * about 1%) where a report carried a sketch of the items instead of their ids.
     */
    public OptionalDouble coverage(int r) {
        if (itemsKnown == 0) {
            return OptionalDouble.empty();
        }
        Set<String> covered = coveredItems.get(r);
        if (covered != null) {
            return OptionalDouble.of((double) covered.size() / itemsKnown);
        }
        CoverageSketch sketch = coverageSketches.get(r);
        return sketch == null
                ? OptionalDouble.empty()
                : OptionalDouble.of(Math.min(1.0, (double) sketch.estimate() / itemsKnown));
    }

    /**
     * The distinct items of recommender {@code r}'s top-10 lists; null while it supplied none, or
     * where only a sketch of them is known ({@link #coverageSketch}).
     */
    public Set<String> coveredItems(int r) {
        return coveredItems.get(r);
    }

    /** The sketch of recommender {@code r}'s covered items where only that is known, else null. */
    public CoverageSketch coverageSketch(int r) {
        return coverageSketches.get(r);
    }

    public long itemsKnown() {
        return itemsKnown;
    }

    double[] total() {
        double[] t = earlier.clone();
        for (double[] w : windows.values()) {
            addTo(t, w);
        }
        return t;
    }

    public PrequentialCounts copy() {
        TreeMap<Long, double[]> w = new TreeMap<>();
        windows.forEach((k, v) -> w.put(k, v.clone()));
        List<TreeSet<String>> covered = new ArrayList<>();
        for (TreeSet<String> items : coveredItems) {
            covered.add(items == null ? null : new TreeSet<>(items));
        }
        PrequentialCounts copy =
                new PrequentialCounts(subtask, w, earlier.clone(), covered, itemsKnown);
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            CoverageSketch sketch = coverageSketches.get(r);
            copy.coverageSketches.set(r, sketch == null ? null : sketch.copy());
        }
        return copy;
    }

    static int fields(int recommenders) {
        return 1 + 3 * recommenders;
    }

    /**
     * The values of a window in schema versions 1 to 4 and in reports before the events ranked per
     * recommender were counted: [n, hits..., ndcg...], every recommender named having ranked all n.
     */
    static int legacyFields(int recommenders) {
        return 1 + 2 * recommenders;
    }

    /**
     * The index of a recommender in {@link #RECOMMENDERS}, -1 when this code has none of that name.
     */
    static int indexOf(String recommender) {
        return Arrays.asList(RECOMMENDERS).indexOf(recommender);
    }

    /**
     * A window's values written for the recommenders {@code names}, in today's layout or the legacy
     * one ({@link #legacyFields}), as today's layout: the columns of recommenders they lack are 0
     * (never ranked), those of unknown names are dropped.
     */
    static double[] inCurrentLayout(String[] names, double[] values) {
        int n = names.length;
        boolean legacy = values.length == legacyFields(n);
        if (!legacy && values.length != fields(n)) {
            throw new IllegalArgumentException(
                    values.length + " window values for " + n + " recommenders");
        }
        double[] w = new double[FIELDS];
        w[0] = values[0];
        for (int i = 0; i < n; i++) {
            int r = indexOf(names[i]);
            if (r >= 0) {
                w[1 + r] = values[1 + i];
                w[1 + RECOMMENDERS.length + r] = values[1 + n + i];
                w[1 + 2 * RECOMMENDERS.length + r] = legacy ? values[0] : values[1 + 2 * n + i];
            }
        }
        return w;
    }

    /**
     * After counts of the legacy layout were read (each recommender named taken to have ranked
     * every event): a recommender without a single hit in any window ranked none. That is trending
     * + co-occurrence under BPR, which the legacy layout recorded as a miss at every event; a
     * recommender that ranked events and never hit is all but impossible.
     */
    void legacyRecommendersWithoutHitsRankedNone() {
        double[] total = total();
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            if (total[1 + r] == 0 && total[1 + RECOMMENDERS.length + r] == 0) {
                earlier[1 + 2 * RECOMMENDERS.length + r] = 0;
                for (double[] w : windows.values()) {
                    w[1 + 2 * RECOMMENDERS.length + r] = 0;
                }
            }
        }
    }

    /** A window's values in the legacy layout: [n, hits..., ndcg...]. */
    static double[] legacyPart(double[] window) {
        return Arrays.copyOf(window, legacyFields(RECOMMENDERS.length));
    }

    /** A window's events ranked per recommender, the part the legacy layout lacks. */
    static double[] rankedPart(double[] window) {
        return Arrays.copyOfRange(window, legacyFields(RECOMMENDERS.length), FIELDS);
    }

    static List<TreeSet<String>> noCoverage() {
        List<TreeSet<String>> covered = new ArrayList<>();
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            covered.add(null);
        }
        return covered;
    }

    /**
     * One recommender's quality over the evaluated events it ranked, micro-averaged over them. Each
     * event has exactly one relevant item (the event's own), which is what makes recall and
     * precision simple functions of the hit rate here.
     *
     * @param events the evaluated events the recommender ranked; 0 where it ranked none, and its
     *     figures are absent ({@link #ranked()} false) rather than 0
     * @param hits the events whose item was in the recommender's top 10
     * @param ndcgSum the summed NDCG@10, 1 / log2(rank + 2) per hit
     */
    public record Quality(double events, double hits, double ndcgSum) {
        /** Whether the recommender ranked any of the events: its figures mean something. */
        public boolean ranked() {
            return events > 0;
        }

        /**
         * {@code metric} of this quality, or null where the recommender ranked none of the events
         * (Jackson writes a null {@code Double} as JSON null).
         */
        public Double ifRanked(ToDoubleFunction<Quality> metric) {
            return ranked() ? metric.applyAsDouble(this) : null;
        }

        /** HR@10: the share of events whose item was in the top 10. */
        public double hitRate() {
            return events == 0 ? 0 : hits / events;
        }

        /** NDCG@10; with one relevant item the ideal DCG is 1. */
        public double ndcg() {
            return events == 0 ? 0 : ndcgSum / events;
        }

        /** Recall@10: retrieved relevant items over relevant items; one per event, so HR@10. */
        public double recall() {
            return hitRate();
        }

        /**
         * Precision@10: relevant items over the 10 slots; one relevant per event, so HR@10 / 10.
         */
        public double precision() {
            return hitRate() / K;
        }

        /** F1@10 = 2PR / (P + R) of {@link #precision} and {@link #recall}: 2 HR@10 / 11 here. */
        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }
}
