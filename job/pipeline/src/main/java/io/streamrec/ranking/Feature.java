package io.streamrec.ranking;

import java.util.Locale;

/**
 * The ranker's features per (user, candidate), in column order of a {@link FeatureList}. In the
 * formulas {@code j} is the candidate, {@code u} the user, {@code r_0, r_1, ...} the user's latest
 * items (the candidate settings' {@code sequenceItems}, weighted {@code w_k = sequenceDecay^k} as
 * in the item-to-item source), {@code n} event counts, {@code C} co-occurrence, {@code T}
 * transitions and {@code out} transitions out of an item, {@code v} an item's unit text vector.
 * Every value is a log, a ratio or a flag (no constant taken from a dataset), and 0 where its
 * inputs are unknown.
 */
public enum Feature {
    COUNT_6H(FeatureFamily.POPULARITY, "ln(1 + n(j) decayed at a 6 h half-life)"),
    COUNT_1D(FeatureFamily.POPULARITY, "ln(1 + n(j) decayed at a 1 d half-life)"),
    COUNT_7D(FeatureFamily.POPULARITY, "ln(1 + n(j) decayed at a 7 d half-life)"),
    COUNT_30D(FeatureFamily.POPULARITY, "ln(1 + n(j) decayed at a 30 d half-life)"),
    COUNT_ALL_TIME(FeatureFamily.POPULARITY, "ln(1 + n(j))"),
    RATING(
            FeatureFamily.POPULARITY,
            "((sum of j's ratings + 5 mu) / (j's ratings + 5) - mu) / sigma, in [-5, 5]"),
    RELATIVE_6H(FeatureFamily.POPULARITY, "count-6h - its largest value in the list"),
    RELATIVE_1D(FeatureFamily.POPULARITY, "count-1d - its largest value in the list"),
    RELATIVE_7D(FeatureFamily.POPULARITY, "count-7d - its largest value in the list"),
    RELATIVE_30D(FeatureFamily.POPULARITY, "count-30d - its largest value in the list"),
    RELATIVE_ALL_TIME(FeatureFamily.POPULARITY, "count-all-time - its largest value in the list"),

    AGE(FeatureFamily.RECENCY, "ln(1 + days since j's first event)"),
    IDLE(FeatureFamily.RECENCY, "ln(1 + hours since j's latest event)"),
    UNSEEN(FeatureFamily.RECENCY, "1 when j has no event yet"),
    RELEASE_AGE(FeatureFamily.RECENCY, "ln(1 + years since j's release year)"),
    RELEASE_KNOWN(FeatureFamily.RECENCY, "1 when j's release year is known"),

    COOCCURRENCE_LAST(FeatureFamily.SEQUENCE, "ln(1 + C[r_0][j])"),
    COOCCURRENCE_LAST_SHARE(FeatureFamily.SEQUENCE, "C[r_0][j] / n(r_0)"),
    COOCCURRENCE_LAST_COSINE(FeatureFamily.SEQUENCE, "C[r_0][j] / sqrt(n(r_0) n(j))"),
    TRANSITION_LAST(FeatureFamily.SEQUENCE, "T[r_0][j] / out(r_0)"),
    TRANSITION_REVERSE(FeatureFamily.SEQUENCE, "T[j][r_0] / out(j)"),
    COOCCURRENCE_RECENT(FeatureFamily.SEQUENCE, "sum_k w_k C[r_k][j] / n(r_k)"),
    TRANSITION_RECENT(FeatureFamily.SEQUENCE, "sum_k w_k T[r_k][j] / out(r_k)"),
    COOCCURRENCE_RECENT_COSINE(FeatureFamily.SEQUENCE, "sum_k w_k C[r_k][j] / sqrt(n(r_k) n(j))"),
    COOCCURRENCE_RECENT_COUNT(FeatureFamily.SEQUENCE, "ln(1 + sum_k w_k C[r_k][j])"),

    NEIGHBOUR_SHARE(
            FeatureFamily.NEIGHBOURS,
            "sum of sim(u, v) over u's similar users v with j among their latest 20 items / sum over"
                    + " all u's similar users"),
    NEIGHBOUR_SUPPORT(
            FeatureFamily.NEIGHBOURS,
            "ln(1 + sum of sim(u, v) over u's similar users v with j among their latest 20 items)"),
    NEIGHBOUR_COUNT(
            FeatureFamily.NEIGHBOURS,
            "ln(1 + u's similar users with j among their latest 20 items)"),

    ATTRIBUTE_JACCARD_LAST(FeatureFamily.CONTENT, "Jaccard of the attributes of j and r_0"),
    ATTRIBUTE_JACCARD_RECENT(
            FeatureFamily.CONTENT, "sum_k w_k Jaccard(attributes of j, r_k) / sum_k w_k"),
    TOKEN_COSINE_LAST(
            FeatureFamily.CONTENT, "idf-weighted cosine of title words + attributes, j and r_0"),
    TOKEN_COSINE_RECENT(FeatureFamily.CONTENT, "sum_k w_k token cosine(j, r_k) / sum_k w_k"),
    RELEASE_DISTANCE(FeatureFamily.CONTENT, "ln(1 + |year(j) - w-weighted mean year of r_k|)"),

    ATTRIBUTE_AFFINITY_MEAN(
            FeatureFamily.USER_FIT,
            "mean over j's attributes a of ln(p_u(a) / p(a)), p_u smoothed by 5 events of p"),
    ATTRIBUTE_AFFINITY_MAX(FeatureFamily.USER_FIT, "max over j's attributes of that log ratio"),
    POPULARITY_GAP(
            FeatureFamily.USER_FIT, "ln(1 + n(j)) - u's running mean of it over items taken"),
    POPULARITY_DISTANCE(FeatureFamily.USER_FIT, "|popularity-gap|"),
    AGE_GAP(FeatureFamily.USER_FIT, "age(j) - u's running mean of it over items taken"),
    AGE_DISTANCE(FeatureFamily.USER_FIT, "|age-gap|"),

    RANK_6H(FeatureFamily.SOURCES, "1 / (1 + rank) in the 6 h popularity source, 0 absent"),
    RANK_1D(FeatureFamily.SOURCES, "1 / (1 + rank) in the 1 d popularity source"),
    RANK_7D(FeatureFamily.SOURCES, "1 / (1 + rank) in the 7 d popularity source"),
    RANK_30D(FeatureFamily.SOURCES, "1 / (1 + rank) in the 30 d popularity source"),
    RANK_ALL_TIME(FeatureFamily.SOURCES, "1 / (1 + rank) in the all-time popularity source"),
    RANK_ITEM_TO_ITEM(FeatureFamily.SOURCES, "1 / (1 + rank) in the item-to-item source"),
    RANK_SIMILAR_USERS(FeatureFamily.SOURCES, "1 / (1 + rank) in the similar-users source"),
    RANK_TITLE_WORDS(FeatureFamily.SOURCES, "1 / (1 + rank) in the title-words source"),
    SOURCE_SHARE(FeatureFamily.SOURCES, "sources that returned j / all sources"),

    FACTORIZATION(FeatureFamily.FACTORIZATION, "the factorization model's score q(u) . v(j)"),

    // Appended, not grouped with their families: the columns before keep their places, so a scorer
    // or scaler snapshot of the 49 features before restores into the first 49 columns.
    TEXT_COSINE_LAST(FeatureFamily.TEXT, "cosine of the MiniLM text vectors of j and r_0"),
    TEXT_COSINE_RECENT(
            FeatureFamily.TEXT, "cosine of j's text vector and the unit sum_k w_k v(r_k)"),
    RANK_TEXT_VECTORS(FeatureFamily.SOURCES, "1 / (1 + rank) in the text-vector source"),

    // Appended likewise: a snapshot of the 52 features before restores into the first 52 columns.
    COOCCURRENCE_HISTORY_COSINE(
            FeatureFamily.SEQUENCE,
            "sum over u's latest 20 items r (unweighted) of C[r][j] / sqrt(n(r) n(j))"),
    COOCCURRENCE_HISTORY_COSINE_MEAN(
            FeatureFamily.SEQUENCE,
            "cooccurrence-history-cosine / the number of u's latest items summed (at most 20)"),
    COUNT_2H(FeatureFamily.POPULARITY, "ln(1 + n(j) decayed at a 2 h half-life)"),
    RELATIVE_2H(FeatureFamily.POPULARITY, "count-2h - its largest value in the list"),

    // Appended likewise: a snapshot of the 56 features before restores into the first 56 columns.
    COOCCURRENCE_RECENT_COSINE_SHARE(
            FeatureFamily.SEQUENCE,
            "cooccurrence-recent-cosine / its largest value in the list (0 when that is 0)"),
    COOCCURRENCE_HISTORY_COSINE_SHARE(
            FeatureFamily.SEQUENCE,
            "cooccurrence-history-cosine / its largest value in the list (0 when that is 0)");

    /** Columns of the features before text vectors, as snapshots of that time hold them. */
    public static final int COUNT_BEFORE_TEXT = TEXT_COSINE_LAST.ordinal();

    /**
     * Columns of the features before the history co-occurrence and 2 h counts, as snapshots of that
     * time hold them.
     */
    public static final int COUNT_BEFORE_HISTORY = COOCCURRENCE_HISTORY_COSINE.ordinal();

    /**
     * Columns of the features before the co-occurrence cosines relative to the list, as snapshots
     * of that time hold them.
     */
    public static final int COUNT_BEFORE_SEQUENCE_SHARES =
            COOCCURRENCE_RECENT_COSINE_SHARE.ordinal();

    /** Columns of a feature list. */
    public static final int COUNT = values().length;

    private final FeatureFamily family;
    private final String formula;

    Feature(FeatureFamily family, String formula) {
        this.family = family;
        this.formula = formula;
    }

    public FeatureFamily family() {
        return family;
    }

    /** This feature's position in a row. */
    public int column() {
        return ordinal();
    }

    /** How the value is computed, in a line. */
    public String formula() {
        return formula;
    }

    /** The name in reports: {@code count-6h}, {@code transition-reverse}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
