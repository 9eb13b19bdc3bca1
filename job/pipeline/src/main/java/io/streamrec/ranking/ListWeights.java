package io.streamrec.ranking;

/**
 * The scorer's parameters as every candidate of one list reads them, in float: the linear weights
 * after gating by the list's context, each hidden unit's bias with its context part, the feature
 * part of {@code H} feature-major, and the output weights. A serving pass fills it once per list.
 */
final class ListWeights {
    private final ScorerLayout layout;

    /** The linear weights after gating: {@code Σ_g ctx[g] · W[g]}. */
    final float[] gated;

    /** The part of each hidden pre-activation shared by the list: {@code b + H_ctx · ctx}. */
    final float[] hiddenBias;

    /** The feature part of H, feature-major: {@code H[h][i]} at {@code i·HIDDEN + h}. */
    final float[] byFeature;

    /** The output weights {@code u}. */
    final float[] output;

    ListWeights(ScorerLayout layout) {
        if (ScorerLayout.HIDDEN % 4 != 0) {
            throw new IllegalStateException("the passes sum hidden units four at a time");
        }
        if (layout.hidden() != ScorerLayout.HIDDEN) {
            // the passes loop over the constant, which the JIT can unroll
            throw new IllegalArgumentException(
                    "serving scores "
                            + ScorerLayout.HIDDEN
                            + " hidden units, not "
                            + layout.hidden());
        }
        this.layout = layout;
        this.gated = new float[layout.features()];
        this.hiddenBias = new float[ScorerLayout.HIDDEN];
        this.byFeature = new float[layout.features() * ScorerLayout.HIDDEN];
        this.output = new float[ScorerLayout.HIDDEN];
    }

    /** Takes the parameters {@code p} for a list of context {@code context}. */
    void prepare(float[] p, float[] context) {
        int f = layout.features();
        for (int i = 0; i < f; i++) {
            double g = 0;
            for (int k = 0; k < ScorerLayout.CONTEXT; k++) {
                g += context[k] * p[layout.wOffset() + k * f + i];
            }
            gated[i] = (float) g;
        }
        for (int h = 0; h < ScorerLayout.HIDDEN; h++) {
            hiddenBias[h] = (float) ScorerForward.hiddenBias(layout, p, context, h);
            int hRow = layout.hOffset() + h * layout.hiddenInputs();
            for (int i = 0; i < f; i++) {
                byFeature[i * ScorerLayout.HIDDEN + h] = p[hRow + i];
            }
            output[h] = p[layout.uOffset() + h];
        }
    }
}
