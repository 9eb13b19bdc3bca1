package io.streamrec.ranking;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScorerForward}'s serving pass written with the JDK's Vector API: a vector of candidates at
 * a time, four hidden units' pre-activations held in registers across every feature, so each
 * feature value is loaded once per four units and no pre-activation goes through memory. The plain
 * pass can only vectorise its innermost loop, so it stores and reloads every pre-activation once
 * per feature (BENCHMARKS, "Serving's scorer pass with the Vector API", has both timed). Sums are
 * in float like the plain pass but with fused multiply-adds in another order, so scores differ in
 * their last bits; a test holds both to the double reference.
 *
 * <p>Serving gets one from {@link ScorerForward#fastest}, only where the JVM has the {@code
 * jdk.incubator.vector} module: this class is not loaded otherwise. Not thread-safe.
 */
final class VectorScorerForward implements ScorerPass {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Candidates scored together: about 128, a whole number of vectors of any length. */
    private static final int BLOCK = Math.max(1, 128 / SPECIES.length()) * SPECIES.length();

    private final ScorerLayout layout;
    private final int features;
    private final ListWeights weights;

    /**
     * The block's features, feature-major: {@code x[i·BLOCK + c]}. Lanes past a block's last
     * candidate hold an earlier block's values, scored but never returned.
     */
    private final float[] x;

    private final float[] blockScores = new float[BLOCK];

    VectorScorerForward(ScorerLayout layout) {
        this.layout = layout;
        this.features = layout.features();
        this.weights = new ListWeights(layout);
        this.x = new float[features * BLOCK];
    }

    /** The vector shape used, for the log. */
    static String describe() {
        return SPECIES.length() + " floats per vector, " + SPECIES.vectorBitSize() + " bits";
    }

    @Override
    public float[] score(float[] p, FeatureList list) {
        ScorerForward.checkFeatures(layout, list);
        weights.prepare(p, list.context());
        int n = list.candidates();
        float[] scores = new float[n];
        for (int c = 0; c < n; c += BLOCK) {
            int m = Math.min(BLOCK, n - c);
            transpose(list.values(), c, m);
            for (int v = 0; v < m; v += SPECIES.length()) {
                scoreVector(v).intoArray(blockScores, v);
            }
            System.arraycopy(blockScores, 0, scores, c, m);
        }
        return scores;
    }

    /** Copies the {@code m} candidates' rows from {@code first} into {@link #x}, feature-major. */
    private void transpose(float[] values, int first, int m) {
        int f = features;
        for (int c = 0; c < m; c++) {
            int row = (first + c) * f;
            for (int i = 0; i < f; i++) {
                x[i * BLOCK + c] = values[row + i];
            }
        }
    }

    /** Scores of the block's candidates {@code v} to {@code v + lanes - 1}. */
    private FloatVector scoreVector(int v) {
        float[] gated = weights.gated;
        FloatVector score = FloatVector.zero(SPECIES);
        for (int i = 0; i < features; i++) {
            score =
                    FloatVector.fromArray(SPECIES, x, i * BLOCK + v)
                            .fma(FloatVector.broadcast(SPECIES, gated[i]), score);
        }
        for (int h = 0; h < ScorerLayout.HIDDEN; h += 4) {
            score = addFourUnits(v, h, score);
        }
        return score;
    }

    /** {@code score + Σ_{k<4} u[h+k] · relu(pre[h+k])} for the candidates from {@code v}. */
    private FloatVector addFourUnits(int v, int h, FloatVector score) {
        float[] bias = weights.hiddenBias;
        float[] w = weights.byFeature;
        FloatVector a0 = FloatVector.broadcast(SPECIES, bias[h]);
        FloatVector a1 = FloatVector.broadcast(SPECIES, bias[h + 1]);
        FloatVector a2 = FloatVector.broadcast(SPECIES, bias[h + 2]);
        FloatVector a3 = FloatVector.broadcast(SPECIES, bias[h + 3]);
        for (int i = 0; i < features; i++) {
            FloatVector xi = FloatVector.fromArray(SPECIES, x, i * BLOCK + v);
            int o = i * ScorerLayout.HIDDEN + h;
            a0 = xi.fma(FloatVector.broadcast(SPECIES, w[o]), a0);
            a1 = xi.fma(FloatVector.broadcast(SPECIES, w[o + 1]), a1);
            a2 = xi.fma(FloatVector.broadcast(SPECIES, w[o + 2]), a2);
            a3 = xi.fma(FloatVector.broadcast(SPECIES, w[o + 3]), a3);
        }
        float[] u = weights.output;
        score = a0.max(0f).fma(FloatVector.broadcast(SPECIES, u[h]), score);
        score = a1.max(0f).fma(FloatVector.broadcast(SPECIES, u[h + 1]), score);
        score = a2.max(0f).fma(FloatVector.broadcast(SPECIES, u[h + 2]), score);
        return a3.max(0f).fma(FloatVector.broadcast(SPECIES, u[h + 3]), score);
    }
}
