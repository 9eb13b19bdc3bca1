package io.streamrec.ranking;

/**
 * Where each parameter block of the {@link ListwiseScorer} lives in its one flat {@code float[]},
 * so the whole scorer can be stored and updated as a single parameter row. With {@code F} features,
 * {@code C = }{@link FeatureList#CONTEXT} and {@code U} hidden units ({@link #HIDDEN} in a live
 * scorer):
 *
 * <pre>
 *   block  shape       offset               element
 *   W      C × F       0                    W[g][f] at g·F + f (g: context entry gating the row)
 *   H      U × (F + C) C·F                  H[h][i] at hOffset + h·(F + C) + i (i ≥ F: context)
 *   b      U           C·F + U·(F + C)      b[h] at bOffset + h
 *   u      U           bOffset + U          u[h] at uOffset + h
 * </pre>
 *
 * Size: {@code C·F + U·(F + C) + 2·U}, 2,370 floats for 58 features and 32 units.
 *
 * @param features features per candidate ({@code F})
 * @param hidden units of the hidden layer ({@code U}): {@link #HIDDEN}, or {@link
 *     #HIDDEN_BEFORE_32} for a snapshot of that time being read
 */
public record ScorerLayout(int features, int hidden) {
    /** Units of the hidden layer. */
    public static final int HIDDEN = 32;

    /** Units of the hidden layer before it had {@link #HIDDEN}, as snapshots of that time hold. */
    public static final int HIDDEN_BEFORE_32 = 16;

    static final int CONTEXT = FeatureList.CONTEXT;

    public ScorerLayout {
        if (features <= 0) {
            throw new IllegalArgumentException("features must be positive: " + features);
        }
        if (hidden <= 0) {
            throw new IllegalArgumentException("hidden units must be positive: " + hidden);
        }
    }

    /** The layout of a live scorer: {@link #HIDDEN} units. */
    public ScorerLayout(int features) {
        this(features, HIDDEN);
    }

    /** Width of a hidden unit's input: the features followed by the context. */
    public int hiddenInputs() {
        return features + CONTEXT;
    }

    public int wOffset() {
        return 0;
    }

    public int hOffset() {
        return CONTEXT * features;
    }

    public int bOffset() {
        return hOffset() + hidden * hiddenInputs();
    }

    public int uOffset() {
        return bOffset() + hidden;
    }

    /** Number of parameters. */
    public int size() {
        return uOffset() + hidden;
    }
}
