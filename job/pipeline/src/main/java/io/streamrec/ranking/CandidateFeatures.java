package io.streamrec.ranking;

import io.streamrec.candidates.ActivityStatistics;
import io.streamrec.candidates.BoundedCounts;
import io.streamrec.candidates.Candidate;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.IncomingTransitions;
import io.streamrec.candidates.ItemActivity;
import io.streamrec.candidates.ItemContent;
import io.streamrec.candidates.ItemTextVectors;
import io.streamrec.candidates.NeighbourSupport;
import io.streamrec.candidates.Source;
import io.streamrec.candidates.StatisticsView;
import io.streamrec.candidates.UserActivity;
import io.streamrec.candidates.UserHistories;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The ranker's {@link Feature}s of a user's candidates at an event time, read from a {@link
 * CandidateGenerator}'s statistics as they are before the event is applied: extract, then update
 * the generator (test-then-learn).
 *
 * <p>What depends on the user alone (the latest items' co-occurrence and transition rows, similar
 * users, attribute counts, title tokens) is spread once per call into small scratch tables keyed by
 * item, user or token index ({@link KeyedRows}); a candidate then costs one id lookup and a few
 * table reads per feature, with no map entry or boxed value made. Families switched off are left at
 * zero and not computed, for ablations. Not thread-safe: one instance per generator.
 */
public final class CandidateFeatures {
    private static final double HOUR_MS = 3_600_000.0;
    private static final double YEAR_MS = 365.2425 * 24 * HOUR_MS;
    private static final long NEAR_MS = 30L * 60_000L;
    private static final long AWAY_MS = 30L * 24 * 3_600_000L;

    /** Ratings an item's mean is shrunk with, at the global mean. */
    private static final double PRIOR_RATINGS = 5.0;

    /** Attribute events a user's attribute shares are smoothed with, at the global shares. */
    private static final double PRIOR_ATTRIBUTE_EVENTS = 5.0;

    /** Bound of the standardised rating and the attribute log ratios. */
    private static final double LIMIT = 5.0;

    private static final Source[] SOURCES = Source.values();

    /** Each source's rank column (the text-vector one was appended after the others). */
    private static final int[] RANK_COLUMN = rankColumns();

    private static final List<Source> DECAYED = Source.decayedPopularity();

    /** Columns of the sums per candidate ({@link #sums}). */
    private static final int CO_LAST = 0;

    private static final int CO_RECENT = 1;
    private static final int CO_COSINE = 2;
    private static final int CO_COUNT = 3;
    private static final int T_LAST = 4;
    private static final int T_RECENT = 5;
    private static final int CO_HISTORY = 6;
    private static final int NEIGHBOUR_SUM = 7;
    private static final int NEIGHBOUR_COUNT = 8;
    private static final int T_BACK = 9;

    /**
     * The user's latest items the history co-occurrence features sum over, unweighted: as many as a
     * co-occurrence window (the default {@code pairWindow}), a longer memory than the 5 decayed
     * items of the other sequence features.
     */
    static final int HISTORY_ITEMS = 20;

    private final StatisticsView stats;
    private final boolean[] on = new boolean[FeatureFamily.values().length];
    private final int sequenceItems;
    private final double decay;

    /**
     * Per candidate: C and T sums over the latest items (columns CO_LAST ... T_RECENT), the C
     * cosine sum over the latest {@link #HISTORY_ITEMS} (CO_HISTORY), and, over the similar users'
     * latest items, the sum of their similarities at the call's time and their number
     * (NEIGHBOUR_SUM, NEIGHBOUR_COUNT), and the transition from the candidate to the latest item
     * (T_BACK). Spread once per call from the user's side (every neighbour of the latest items; at
     * most 100 similar users times 20 items), so a candidate costs one lookup instead of scans of
     * rows.
     */
    private final CandidateRows sums = new CandidateRows(10);

    /**
     * Per token of the latest items: its weight in the latest item's unit idf vector, its weighted
     * sum over the latest items' unit vectors, and a bit per latest item that has it (attributes).
     */
    private final KeyedRows recentTokens = new KeyedRows(3);

    /** Scratch of {@link #readTokensAhead}: each computed item's token count. */
    private int[] tokenCounts = new int[0];

    /**
     * What the read-ahead loop of {@link #listItems} summed: kept only so that the JIT does not
     * drop its reads of each item's counters, which the popularity and recency loops then find in
     * cache.
     */
    private double readAheadSink;

    /** Per attribute: the user's affinity, computed at the first candidate that has it. */
    private final KeyedRows affinities = new KeyedRows(1);

    // The call's user, filled by prepare().
    private ItemContent content;
    private ItemActivity items;
    private UserActivity users;
    private int user;
    private long events;
    private int[] recent;
    private int historyItems;
    private final int[] recentAttributeCounts;
    private final int[] sharedAttributes;
    private double recentWeight;
    private double recentYear;
    private double similarTotal;
    private double ratingMean;
    private double ratingDeviation;
    private double eventYear;
    private ItemTextVectors textVectors;
    private float[] lastTextVector;
    private float[] recentTextVector;

    /** Features with every family on. */
    public CandidateFeatures(CandidateGenerator generator) {
        this(generator, EnumSet.noneOf(FeatureFamily.class));
    }

    /**
     * @param switchedOff families whose columns stay zero (an ablation)
     */
    public CandidateFeatures(CandidateGenerator generator, Set<FeatureFamily> switchedOff) {
        this.stats = new StatisticsView(generator);
        for (FeatureFamily f : FeatureFamily.values()) {
            on[f.ordinal()] = !switchedOff.contains(f);
        }
        this.sequenceItems = stats.settings().sequenceItems();
        this.decay = stats.settings().sequenceDecay();
        if (sequenceItems > 31) {
            throw new IllegalArgumentException("at most 31 latest items: " + sequenceItems);
        }
        this.recentAttributeCounts = new int[sequenceItems];
        this.sharedAttributes = new int[sequenceItems];
    }

    /** {@link #extract(String, long, List, CandidateSet, float[])} without source ranks. */
    public FeatureList extract(
            String userId, long t, List<String> itemIds, float[] factorizationScores) {
        return extract(userId, t, itemIds, null, factorizationScores);
    }

    /**
     * The features of {@code itemIds} for {@code userId} at {@code t}, a row per item in order.
     *
     * @param candidates the candidate set the items came from, for the source ranks (null: zero);
     *     an item it lacks has zero source ranks
     * @param factorizationScores a score per item, or null: that column zero
     */
    public FeatureList extract(
            String userId,
            long t,
            List<String> itemIds,
            CandidateSet candidates,
            float[] factorizationScores) {
        return extract(userId, t, itemIds, candidates, factorizationScores, null);
    }

    /**
     * As {@link #extract(String, long, List, CandidateSet, float[])}, a row for each item {@code
     * rows} keeps (every item when null), in order: a training list of sampled negatives ({@link
     * NegativeSample}). The columns relative to the list (each count less the candidates' largest,
     * the co-occurrence cosines over theirs) still compare with every item, so a kept row equals
     * its row of the whole list's features; the families without such columns are computed for the
     * kept rows only.
     *
     * @param factorizationScores a score per kept item, or null: that column zero
     */
    public FeatureList extract(
            String userId,
            long t,
            List<String> itemIds,
            CandidateSet candidates,
            float[] factorizationScores,
            boolean[] rows) {
        int n = itemIds.size();
        if (rows != null && rows.length != n) {
            throw new IllegalArgumentException(rows.length + " row marks for " + n + " items");
        }
        int kept = NegativeSample.kept(rows, n);
        if (factorizationScores != null && factorizationScores.length != kept) {
            throw new IllegalArgumentException(
                    factorizationScores.length + " factorization scores for " + kept + " items");
        }
        prepare(userId, t);
        float[] values = new float[n * Feature.COUNT];
        ListItems list = listItems(itemIds, candidates, t);
        spreadOver(list.item, n, t);
        fillColumns(values, list, NegativeSample.keptRowIndices(rows, n), candidates != null, t);
        if (on(FeatureFamily.POPULARITY)) {
            relativePopularity(values, n);
        }
        if (on(FeatureFamily.SEQUENCE)) {
            sequenceShares(values, n);
        }
        if (rows != null) {
            values = FeatureList.keptRows(values, Feature.COUNT, rows);
        }
        if (on(FeatureFamily.FACTORIZATION) && factorizationScores != null) {
            for (int c = 0; c < kept; c++) {
                // the one column read from the parameter server's rows, which nothing here checks;
                // a score that is not a number says nothing about the item (as an item without
                // rows, which scores 0)
                float score = factorizationScores[c];
                values[c * Feature.COUNT + Feature.FACTORIZATION.column()] =
                        Float.isFinite(score) ? score : 0f;
            }
        }
        return new FeatureList(kept, Feature.COUNT, values, context(userId, t));
    }

    /** A list's items, as {@link #extract} reads them: indices, candidates, two logs per item. */
    private record ListItems(
            int[] item, Candidate[] candidate, double[] logEvents, double[] logAge) {}

    private ListItems listItems(List<String> itemIds, CandidateSet candidates, long t) {
        int n = itemIds.size();
        int[] item = new int[n];
        Candidate[] candidate = new Candidate[n];
        double[] logEvents = new double[n];
        double[] logAge = new double[n];
        for (int c = 0; c < n; c++) {
            String id = itemIds.get(c);
            candidate[c] = candidate(candidates, c, id);
            item[c] = candidate[c] == null ? stats.item(id) : stats.item(candidate[c]);
        }
        double read = 0.0;
        for (int c = 0; c < n; c++) {
            read += stats.readAhead(item[c]);
        }
        readAheadSink = read;
        for (int c = 0; c < n; c++) {
            logEvents[c] = ln1p(stats.events(item[c]));
            logAge[c] = items.logAgeDays(item[c], t);
        }
        return new ListItems(item, candidate, logEvents, logAge);
    }

    /**
     * Every family's own columns, family by family over the list: the iterations of each loop are
     * independent, so the CPU overlaps several candidates' statistics reads (cache misses) of one
     * family. POPULARITY and SEQUENCE for every row (the list-relative columns read them all), the
     * others for the {@code computed} rows only.
     */
    private void fillColumns(
            float[] values, ListItems list, int[] computed, boolean withSources, long t) {
        fillActivityColumns(values, list, computed, t);
        fillContentAndSourceColumns(values, list, computed, withSources);
    }

    /** The families read from the events' statistics: popularity, recency, sequence, neighbours. */
    private void fillActivityColumns(float[] values, ListItems list, int[] computed, long t) {
        int n = list.item.length;
        int[] item = list.item;
        if (on(FeatureFamily.POPULARITY)) {
            for (int c = 0; c < n; c++) {
                popularity(values, c * Feature.COUNT, item[c], t, list.logEvents[c]);
            }
        }
        if (on(FeatureFamily.RECENCY)) {
            for (int c : computed) {
                recency(values, c * Feature.COUNT, item[c], t, list.logAge[c]);
            }
        }
        if (on(FeatureFamily.SEQUENCE)) {
            for (int c = 0; c < n; c++) {
                sequence(values, c * Feature.COUNT, item[c]);
            }
        }
        if (on(FeatureFamily.NEIGHBOURS)) {
            for (int c : computed) {
                neighbours(values, c * Feature.COUNT, item[c]);
            }
        }
    }

    /** The content, user fit, source rank and text vector families, for the computed rows. */
    private void fillContentAndSourceColumns(
            float[] values, ListItems list, int[] computed, boolean withSources) {
        int[] item = list.item;
        if (on(FeatureFamily.CONTENT)) {
            readTokensAhead(item, computed);
            for (int c : computed) {
                content(values, c * Feature.COUNT, item[c]);
            }
        }
        if (on(FeatureFamily.USER_FIT)) {
            for (int c : computed) {
                userFit(values, c * Feature.COUNT, item[c], list.logEvents[c], list.logAge[c]);
            }
        }
        if (on(FeatureFamily.SOURCES) && withSources) {
            for (int c : computed) {
                sources(values, c * Feature.COUNT, list.candidate[c], stats.sourceCount());
            }
        }
        if (on(FeatureFamily.TEXT) && textVectors != null) {
            for (int c : computed) {
                text(values, c * Feature.COUNT, item[c]);
            }
        }
    }

    /**
     * Reads each computed item's token lists once ahead of {@link #content}, in a loop whose reads
     * do not wait on each other: the CPU overlaps those cache misses, where the content loop, whose
     * inner loops run over each item's tokens, meets them one item at a time. The counts are kept
     * so the reads are not dropped as unused.
     */
    private void readTokensAhead(int[] item, int[] computed) {
        if (recent.length == 0) {
            return; // content() reads nothing then
        }
        if (tokenCounts.length < item.length) {
            tokenCounts = new int[item.length];
        }
        for (int c : computed) {
            int i = item[c];
            tokenCounts[c] = i < 0 ? 0 : content.words(i).length + content.attributes(i).length;
        }
    }

    /**
     * The candidate of {@code itemIds[c]}: the set's c-th when the ids are the set's own order (as
     * the ranker passes them), found by id otherwise; null without a set or when it lacks the item.
     */
    private static Candidate candidate(CandidateSet candidates, int c, String id) {
        if (candidates == null) {
            return null;
        }
        List<Candidate> all = candidates.candidates();
        return c < all.size() && all.get(c).itemId().equals(id) ? all.get(c) : candidates.get(id);
    }

    /**
     * Each log count less its largest value among the candidates: the same whatever the traffic's
     * volume, which differs between catalogs and changes over time, while the absolute counts carry
     * how popular the list's best items are.
     */
    private static void relativePopularity(float[] values, int n) {
        int first = Feature.COUNT_6H.column();
        int relative = Feature.RELATIVE_6H.column();
        for (int h = 0; h <= Feature.COUNT_ALL_TIME.column() - first; h++) {
            relativeToLargest(values, n, first + h, relative + h);
        }
        // the 2 h count was appended after the others (Feature.COUNT_BEFORE_HISTORY)
        relativeToLargest(values, n, Feature.COUNT_2H.column(), Feature.RELATIVE_2H.column());
    }

    /**
     * The recent and history co-occurrence cosines over their largest value among the candidates:
     * how close each candidate comes to the user's best item-to-item match in this list, in [0, 1]
     * whatever the catalog's or the user's co-occurrence scale (a long history sums more). With the
     * hidden layer it separates "the best the sequence offers here" from an absolute level, as the
     * relative popularity columns do for the counts. MovieTweetings replay HR@10 0.2655 / 0.2652
     * (seeds 42 / 7) from 0.2643 / 0.2641, users with at least 20 events 0.1997 from 0.1982.
     */
    private static void sequenceShares(float[] values, int n) {
        shareOfLargest(
                values,
                n,
                Feature.COOCCURRENCE_RECENT_COSINE.column(),
                Feature.COOCCURRENCE_RECENT_COSINE_SHARE.column());
        shareOfLargest(
                values,
                n,
                Feature.COOCCURRENCE_HISTORY_COSINE.column(),
                Feature.COOCCURRENCE_HISTORY_COSINE_SHARE.column());
    }

    /**
     * Column {@code share} of every row: column {@code column} over its largest value, a
     * non-negative one; all zero when that is 0.
     */
    private static void shareOfLargest(float[] values, int n, int column, int share) {
        float max = 0f;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, values[c * Feature.COUNT + column]);
        }
        if (max <= 0f) {
            return;
        }
        for (int c = 0; c < n; c++) {
            int row = c * Feature.COUNT;
            values[row + share] = values[row + column] / max;
        }
    }

    /** Column {@code relative} of every row: column {@code count} less its largest value. */
    private static void relativeToLargest(float[] values, int n, int count, int relative) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, values[c * Feature.COUNT + count]);
        }
        for (int c = 0; c < n; c++) {
            int row = c * Feature.COUNT;
            values[row + relative] = values[row + count] - max;
        }
    }

    /**
     * The user's context at {@code t}: 1, new user, within 30 minutes of the previous event, {@code
     * ln(1 + events)}, returning after 30 days (see {@link FeatureList#context()}).
     */
    public float[] context(String userId, long t) {
        UserActivity activity = stats.activity().users();
        int u = stats.user(userId);
        long n = activity.events(u);
        if (n == 0) {
            return new float[] {1f, 1f, 0f, 0f, 0f};
        }
        long gap = t - activity.lastEvent(u);
        return new float[] {
            1f, 0f, gap <= NEAR_MS ? 1f : 0f, (float) ln1p(n), gap > AWAY_MS ? 1f : 0f
        };
    }

    private boolean on(FeatureFamily family) {
        return on[family.ordinal()];
    }

    private static void put(float[] values, int row, Feature feature, double value) {
        values[row + feature.column()] = (float) value;
    }

    private void prepare(String userId, long t) {
        ActivityStatistics activity = stats.activity();
        content = activity.content();
        items = activity.items();
        users = activity.users();
        user = stats.user(userId);
        events = users.events(user);
        recent = stats.userItems().mostRecent(user, sequenceItems);
        ratingMean = items.meanValue();
        ratingDeviation = items.valueDeviation();
        eventYear = 1970.0 + t / YEAR_MS;
        if (on(FeatureFamily.CONTENT)) {
            prepareContent();
        }
        textVectors = stats.textVectors();
        if (on(FeatureFamily.TEXT) && textVectors != null) {
            lastTextVector = recent.length == 0 ? null : textVectors.vector(recent[0]);
            recentTextVector = textVectors.recentMean(recent, decay);
        }
        affinities.clear();
    }

    /**
     * Spreads the latest items' pair rows and the similar users' latest items into the sums of the
     * call's {@code n} items only ({@link CandidateRows}).
     */
    private void spreadOver(int[] item, int n, long t) {
        boolean sequence = on(FeatureFamily.SEQUENCE);
        boolean neighbours = on(FeatureFamily.NEIGHBOURS);
        if (sequence || neighbours) {
            sums.reset(item, n);
        }
        if (sequence) {
            prepareSequence();
        }
        if (neighbours) {
            prepareNeighbours(item, n, t);
        }
    }

    /**
     * Spreads the latest items' C and T rows into the per-item sums of the rows made, normalised as
     * the source does, and the latest {@link #HISTORY_ITEMS} items' C rows into the unweighted
     * history cosine. The latest items' C rows are read once for both: only the older history items
     * take a loop of their own.
     */
    private void prepareSequence() {
        UserHistories histories = stats.userItems();
        historyItems = Math.min(HISTORY_ITEMS, histories.size(user));
        double w = 1.0;
        for (int k = 0; k < recent.length; k++) {
            spreadRecentCooccurrence(k, w);
            spreadRecentTransitions(k, w);
            w *= decay;
        }
        if (recent.length > 0) {
            spreadReverseTransitions(recent[0]);
        }
        for (int k = recent.length; k < historyItems; k++) {
            spreadHistoryCooccurrence(histories.get(user, k));
        }
    }

    /** The latest item {@code k}'s C row, weighted {@code w}, into the co-occurrence sums. */
    private void spreadRecentCooccurrence(int k, double w) {
        int r = recent[k];
        double perEvent = w / Math.max(1L, stats.events(r));
        double perRootEvent = w / Math.sqrt(Math.max(1L, stats.events(r)));
        // adding 0 leaves a sum as it is: no branch in the loop when k is past the history
        double historyPerRootEvent =
                k < historyItems ? 1.0 / Math.sqrt(Math.max(1L, stats.events(r))) : 0.0;
        BoundedCounts co = stats.cooccurrence(r);
        for (int s = 0; s < co.size(); s++) {
            int at = sums.rowOf(co.key(s));
            if (at < 0) {
                continue;
            }
            double c = co.countAt(s);
            double[] v = sums.values();
            v[at + CO_RECENT] += perEvent * c;
            v[at + CO_COSINE] += perRootEvent * c;
            v[at + CO_COUNT] += w * c;
            v[at + CO_HISTORY] += historyPerRootEvent * c;
            if (k == 0) {
                v[at + CO_LAST] = c;
            }
        }
    }

    /** The latest item {@code k}'s T row, weighted {@code w} per transition out of it. */
    private void spreadRecentTransitions(int k, double w) {
        int r = recent[k];
        double perOut = w / Math.max(1L, stats.transitionsOut(r));
        BoundedCounts next = stats.transitions(r);
        for (int s = 0; s < next.size(); s++) {
            int at = sums.rowOf(next.key(s));
            if (at < 0) {
                continue;
            }
            double share = perOut * next.countAt(s);
            double[] v = sums.values();
            v[at + T_RECENT] += share;
            if (k == 0) {
                v[at + T_LAST] = share;
            }
        }
    }

    /**
     * T[j][r_0] for every candidate j from r_0's incoming transitions, instead of a scan of each
     * candidate's row of T (a tenth of the ranker's CPU).
     */
    private void spreadReverseTransitions(int last) {
        IncomingTransitions back = stats.transitionsInto(last);
        for (int s = 0; s < back.size(); s++) {
            int at = sums.rowOf(back.from(s));
            if (at >= 0) {
                sums.values()[at + T_BACK] = back.weightAt(s);
            }
        }
    }

    /** An older history item's C row into the unweighted history cosine. */
    private void spreadHistoryCooccurrence(int r) {
        double perRootEvent = 1.0 / Math.sqrt(Math.max(1L, stats.events(r)));
        BoundedCounts co = stats.cooccurrence(r);
        for (int s = 0; s < co.size(); s++) {
            int at = sums.rowOf(co.key(s));
            if (at >= 0) {
                sums.values()[at + CO_HISTORY] += perRootEvent * co.countAt(s);
            }
        }
    }

    /**
     * The user's similar users' similarities at {@code t} summed per item over each one's latest
     * items ({@code itemsPerSimilarUser}, the part of a history every serving subtask keeps, so the
     * features do not depend on which subtask ranks), as the similar-users source walks them.
     */
    private void prepareNeighbours(int[] item, int n, long t) {
        NeighbourSupport support = stats.neighbourSupport(user, t);
        similarTotal = support.total();
        double[] v = sums.values();
        for (int c = 0; c < n; c++) {
            int at = item[c] < 0 ? -1 : sums.rowOf(item[c]);
            int holders = support.count(item[c]);
            if (at >= 0 && holders > 0) {
                v[at + NEIGHBOUR_SUM] = support.sum(item[c]);
                v[at + NEIGHBOUR_COUNT] = holders;
            }
        }
    }

    /**
     * Spreads the latest items' unit idf-weighted token vectors by token (the latest alone, and
     * weighted by recency), marks which latest items have each attribute, and takes the weighted
     * mean release year of the latest items.
     */
    private void prepareContent() {
        recentTokens.clear();
        recentWeight = 0.0;
        double yearSum = 0.0;
        double yearWeight = 0.0;
        double w = 1.0;
        for (int k = 0; k < recent.length; k++) {
            int r = recent[k];
            recentWeight += w;
            double norm =
                    Math.sqrt(squaredNorm(content.words(r)) + squaredNorm(content.attributes(r)));
            spreadTokens(content.words(r), k, w, norm, false);
            spreadTokens(content.attributes(r), k, w, norm, true);
            recentAttributeCounts[k] = content.attributes(r).length;
            int year = content.releaseYear(r);
            if (year != ItemContent.NO_YEAR) {
                yearSum += w * year;
                yearWeight += w;
            }
            w *= decay;
        }
        recentYear = yearWeight > 0.0 ? yearSum / yearWeight : Double.NaN;
    }

    private void spreadTokens(int[] tokens, int k, double weight, double norm, boolean attribute) {
        for (int token : tokens) {
            double x = norm > 0.0 ? content.idf(token) / norm : 0.0;
            int at = recentTokens.row(token);
            double[] v = recentTokens.values();
            if (k == 0) {
                v[at] = x;
            }
            v[at + 1] += weight * x;
            if (attribute) {
                v[at + 2] += 1 << k; // an item lists a token once: adding is setting bit k
            }
        }
    }

    private double squaredNorm(int[] tokens) {
        double sum = 0.0;
        for (int token : tokens) {
            double idf = content.idf(token);
            sum += idf * idf;
        }
        return sum;
    }

    private void popularity(float[] values, int row, int item, long t, double logEvents) {
        if (item < 0) {
            return;
        }
        for (int h = 0; h < DECAYED.size(); h++) {
            values[row + Feature.COUNT_6H.column() + h] =
                    (float) ln1p(stats.popularity(DECAYED.get(h), item, t));
        }
        put(values, row, Feature.COUNT_ALL_TIME, logEvents);
        put(values, row, Feature.COUNT_2H, ln1p(stats.shortTermPopularity(item, t)));
        if (ratingDeviation > 0.0) {
            double shrunk =
                    (items.valueSum(item) + PRIOR_RATINGS * ratingMean)
                            / (items.valueCount(item) + PRIOR_RATINGS);
            put(values, row, Feature.RATING, clip((shrunk - ratingMean) / ratingDeviation));
        }
    }

    private void recency(float[] values, int row, int item, long t, double logAge) {
        long last = items.lastSeen(item);
        if (last == ItemActivity.NEVER) {
            put(values, row, Feature.UNSEEN, 1.0);
        } else {
            put(values, row, Feature.AGE, logAge);
            put(values, row, Feature.IDLE, ln1p(Math.max(0L, t - last) / HOUR_MS));
        }
        int year = content.releaseYear(item);
        if (year != ItemContent.NO_YEAR) {
            put(values, row, Feature.RELEASE_AGE, ln1p(Math.max(0.0, eventYear - year)));
            put(values, row, Feature.RELEASE_KNOWN, 1.0);
        }
    }

    private void sequence(float[] values, int row, int item) {
        int at = recent.length == 0 || item < 0 ? -1 : sums.rowOf(item);
        if (at < 0) {
            return; // no pair with a latest item: every sequence feature is 0
        }
        double[] v = sums.values();
        int last = recent[0];
        double lastEvents = Math.max(1L, stats.events(last));
        double rootEvents = Math.sqrt(Math.max(1L, stats.events(item)));
        double coLast = v[at + CO_LAST];
        put(values, row, Feature.COOCCURRENCE_LAST, ln1p(coLast));
        put(values, row, Feature.COOCCURRENCE_LAST_SHARE, coLast / lastEvents);
        put(
                values,
                row,
                Feature.COOCCURRENCE_LAST_COSINE,
                coLast / Math.sqrt(lastEvents) / rootEvents);
        put(values, row, Feature.TRANSITION_LAST, v[at + T_LAST]);
        put(values, row, Feature.COOCCURRENCE_RECENT, v[at + CO_RECENT]);
        put(values, row, Feature.TRANSITION_RECENT, v[at + T_RECENT]);
        put(values, row, Feature.COOCCURRENCE_RECENT_COSINE, v[at + CO_COSINE] / rootEvents);
        put(values, row, Feature.COOCCURRENCE_RECENT_COUNT, ln1p(v[at + CO_COUNT]));
        double historyCosine = v[at + CO_HISTORY] / rootEvents;
        put(values, row, Feature.COOCCURRENCE_HISTORY_COSINE, historyCosine);
        put(values, row, Feature.COOCCURRENCE_HISTORY_COSINE_MEAN, historyCosine / historyItems);
        double back = v[at + T_BACK];
        // not gated on C[r_0][j]: a capped co-occurrence row can drop j while T[j][r_0] stays
        if (back > 0.0) {
            put(
                    values,
                    row,
                    Feature.TRANSITION_REVERSE,
                    back / Math.max(1L, stats.transitionsOut(item)));
        }
    }

    private void neighbours(float[] values, int row, int item) {
        int at = similarTotal <= 0.0 || item < 0 ? -1 : sums.rowOf(item);
        if (at < 0) {
            return;
        }
        double[] v = sums.values();
        put(values, row, Feature.NEIGHBOUR_SHARE, v[at + NEIGHBOUR_SUM] / similarTotal);
        put(values, row, Feature.NEIGHBOUR_SUPPORT, ln1p(v[at + NEIGHBOUR_SUM]));
        put(values, row, Feature.NEIGHBOUR_COUNT, ln1p(v[at + NEIGHBOUR_COUNT]));
    }

    private void content(float[] values, int row, int item) {
        if (recent.length == 0 || item < 0) {
            return;
        }
        Arrays.fill(sharedAttributes, 0);
        int[] attributes = content.attributes(item);
        double squaredNorm = 0.0;
        double dotLast = 0.0;
        double dotRecent = 0.0;
        for (int pass = 0; pass < 2; pass++) {
            for (int token : pass == 0 ? content.words(item) : attributes) {
                double idf = content.idf(token);
                squaredNorm += idf * idf;
                int at = recentTokens.rowIfPresent(token);
                if (at >= 0) {
                    double[] v = recentTokens.values();
                    dotLast += idf * v[at];
                    dotRecent += idf * v[at + 1];
                    for (int mask = (int) v[at + 2]; mask != 0; mask &= mask - 1) {
                        sharedAttributes[Integer.numberOfTrailingZeros(mask)]++;
                    }
                }
            }
        }
        attributeJaccards(values, row, attributes.length);
        if (squaredNorm > 0.0) {
            double norm = Math.sqrt(squaredNorm);
            put(values, row, Feature.TOKEN_COSINE_LAST, dotLast / norm);
            put(values, row, Feature.TOKEN_COSINE_RECENT, dotRecent / (norm * recentWeight));
        }
        releaseDistance(values, row, item);
    }

    /**
     * The Jaccard similarities of a candidate's {@code attributeCount} attributes with the latest
     * item's and, weighted by recency, the latest items', from the shared counts {@link #content}
     * left in {@link #sharedAttributes}.
     */
    private void attributeJaccards(float[] values, int row, int attributeCount) {
        double weighted = 0.0;
        double w = 1.0;
        for (int k = 0; k < recent.length; k++) {
            int union = attributeCount + recentAttributeCounts[k] - sharedAttributes[k];
            double jaccard = union > 0 ? (double) sharedAttributes[k] / union : 0.0;
            if (k == 0) {
                put(values, row, Feature.ATTRIBUTE_JACCARD_LAST, jaccard);
            }
            weighted += w * jaccard;
            w *= decay;
        }
        put(values, row, Feature.ATTRIBUTE_JACCARD_RECENT, weighted / recentWeight);
    }

    /** How far the item's release year is from the latest items' mean, where both are known. */
    private void releaseDistance(float[] values, int row, int item) {
        int year = content.releaseYear(item);
        if (year != ItemContent.NO_YEAR && !Double.isNaN(recentYear)) {
            put(values, row, Feature.RELEASE_DISTANCE, ln1p(Math.abs(year - recentYear)));
        }
    }

    private void userFit(float[] values, int row, int item, double logEvents, double logAge) {
        if (events == 0) {
            return;
        }
        int[] attributes = content.attributes(item);
        if (attributes.length > 0) {
            double sum = 0.0;
            double max = -LIMIT;
            for (int a : attributes) {
                double affinity = affinity(a);
                sum += affinity;
                max = Math.max(max, affinity);
            }
            put(values, row, Feature.ATTRIBUTE_AFFINITY_MEAN, sum / attributes.length);
            put(values, row, Feature.ATTRIBUTE_AFFINITY_MAX, max);
        }
        double popularityGap = logEvents - users.meanLogPopularity(user);
        put(values, row, Feature.POPULARITY_GAP, popularityGap);
        put(values, row, Feature.POPULARITY_DISTANCE, Math.abs(popularityGap));
        double ageGap = logAge - users.meanLogAge(user);
        put(values, row, Feature.AGE_GAP, ageGap);
        put(values, row, Feature.AGE_DISTANCE, Math.abs(ageGap));
    }

    /**
     * {@code ln(p_u(a) / p(a))} in [-5, 5], with the prior {@code p(a) = (events with a + 1) / (all
     * attribute events + attributes)} and the user's share {@code p_u(a) = (own events with a + 5
     * p(a)) / (own attribute events + 5)}. Memoised per call: it depends on the user alone.
     */
    private double affinity(int attribute) {
        int at = affinities.rowIfPresent(attribute);
        if (at >= 0) {
            return affinities.values()[at];
        }
        double prior =
                (users.globalAttributeEvents(attribute) + 1.0)
                        / (users.globalAttributeEvents() + content.attributeTokens());
        double own = 0.0;
        for (int s = 0; s < users.attributes(user); s++) {
            if (users.attributeAt(user, s) == attribute) {
                own = users.attributeCountAt(user, s);
            }
        }
        double share =
                (own + PRIOR_ATTRIBUTE_EVENTS * prior)
                        / (users.attributeEvents(user) + PRIOR_ATTRIBUTE_EVENTS);
        double affinity = clip(Math.log(share / prior));
        affinities.set(attribute, 0, affinity);
        return affinity;
    }

    private static void sources(float[] values, int row, Candidate candidate, int sourceCount) {
        if (candidate == null) {
            return;
        }
        int found = 0;
        for (Source s : SOURCES) {
            int rank = candidate.rank(s);
            if (rank >= 0) {
                values[row + RANK_COLUMN[s.ordinal()]] = 1f / (1 + rank);
                found++;
            }
        }
        put(values, row, Feature.SOURCE_SHARE, (double) found / sourceCount);
    }

    private static int[] rankColumns() {
        int[] columns = new int[SOURCES.length];
        for (Source s : SOURCES) {
            columns[s.ordinal()] =
                    s == Source.TEXT_VECTORS
                            ? Feature.RANK_TEXT_VECTORS.column()
                            : Feature.RANK_6H.column() + s.ordinal();
        }
        return columns;
    }

    /** Cosines of the candidate's text vector with the latest item's and the recent mean. */
    private void text(float[] values, int row, int item) {
        float[] v = textVectors.vector(item);
        if (v == null) {
            return;
        }
        if (lastTextVector != null) {
            put(values, row, Feature.TEXT_COSINE_LAST, ItemTextVectors.dot(v, lastTextVector));
        }
        if (recentTextVector != null) {
            put(values, row, Feature.TEXT_COSINE_RECENT, ItemTextVectors.dot(v, recentTextVector));
        }
    }

    /** {@code ln(1 + x)} for {@code x >= 0}: Math.log is an intrinsic, Math.log1p a native call. */
    private static double ln1p(double x) {
        return Math.log(1.0 + x);
    }

    private static double clip(double x) {
        return Math.max(-LIMIT, Math.min(LIMIT, x));
    }
}
