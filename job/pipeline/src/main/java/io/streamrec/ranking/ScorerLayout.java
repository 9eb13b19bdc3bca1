package io.streamrec.ranking;

/**
 * Where each parameter block of the {@link ListwiseScorer} lives in its one flat {@code float[]},
 * so the whole scorer can be stored and updated as a single parameter row. With {@code F} features,
 * {@code C = }{@link FeatureList#CONTEXT} and {@code U = }{@link #HIDDEN}:
 *
 * <pre>
 *   block  shape       offset               element
 *   W      C × F       0                    W[g][f] at g·F + f (g: context entry gating the row)
 *   H      U × (F + C) C·F                  H[h][i] at hOffset + h·(F + C) + i (i ≥ F: context)
 *   b      U           C·F + U·(F + C)      b[h] at bOffset + h
 *   u      U           bOffset + U          u[h] at uOffset + h
 * </pre>
 *
 * Size: {@code C·F + U·(F + C) + 2·U}, 1,057 floats for 45 features.
 *
 * @param features features per candidate ({@code F})
 */
public record ScorerLayout(int features) {
    /** Units of the hidden layer. */
    public static final int HIDDEN = 16;

    static final int CONTEXT = FeatureList.CONTEXT;

    public ScorerLayout {
        if (features <= 0) {
            throw new IllegalArgumentException("features must be positive: " + features);
        }
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
        return hOffset() + HIDDEN * hiddenInputs();
    }

    public int uOffset() {
        return bOffset() + HIDDEN;
    }

    /** Number of parameters. */
    public int size() {
        return uOffset() + HIDDEN;
    }
}
