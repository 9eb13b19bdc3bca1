package io.streamrec.ranking;

import java.util.Arrays;
import java.util.List;

/**
 * The scorer's math in plain Java, in double precision: the serving forward pass for one list and
 * the reference loss the DJL gradients are checked against. {@code score(c) = Σ_g ctx[g]·(W[g]·x_c)
 * + u·relu(H·[x_c; ctx] + b)}, parameters laid out as {@link ScorerLayout} says.
 */
final class ScorerForward {
    /**
     * Candidates scored together. Each step of the pass is one loop across the block's candidates
     * on the same index of two arrays, which the JIT vectorises; every sum still adds its terms in
     * feature order, so the scores are those of one candidate at a time, bit for bit.
     */
    private static final int BLOCK = 128;

    private final ScorerLayout layout;
    private final int features;

    /** The linear weights after gating: {@code Σ_g ctx[g] · W[g]}. */
    private final double[] gated;

    /** The part of each hidden pre-activation shared by the list: {@code b + H_ctx · ctx}. */
    private final double[] hiddenBias;

    /** The feature part of H, feature-major: {@code H[h][i]} at {@code i·HIDDEN + h}. */
    private final double[] byFeature;

    private final double[] output;

    /** The block's features, feature-major: {@code x[i][c]}. */
    private final double[][] x;

    /** The block's hidden pre-activations, unit-major: {@code pre[h][c]}. */
    private final double[][] pre;

    /** The block's linear parts, {@code Σ_i gated[i] · x[i][c]}. */
    private final double[] linear;

    /** A pass with its scratch, to score list after list: not thread-safe. */
    ScorerForward(ScorerLayout layout) {
        this.layout = layout;
        this.features = layout.features();
        this.gated = new double[features];
        this.hiddenBias = new double[ScorerLayout.HIDDEN];
        this.byFeature = new double[features * ScorerLayout.HIDDEN];
        this.output = new double[ScorerLayout.HIDDEN];
        this.x = new double[features][BLOCK];
        this.pre = new double[ScorerLayout.HIDDEN][BLOCK];
        this.linear = new double[BLOCK];
    }

    /** Scores of every candidate of {@code list}. */
    static double[] scores(ScorerLayout layout, float[] p, FeatureList list) {
        return new ScorerForward(layout).score(p, list);
    }

    /** Scores of every candidate of {@code list} under parameters {@code p}. */
    double[] score(float[] p, FeatureList list) {
        checkFeatures(layout, list);
        gatedWeights(layout, p, list.context(), gated);
        hiddenBias(layout, p, list.context(), hiddenBias);
        hiddenByFeature(layout, p, byFeature);
        for (int h = 0; h < output.length; h++) {
            output[h] = p[layout.uOffset() + h];
        }
        int n = list.candidates();
        double[] scores = new double[n];
        for (int c = 0; c < n; c += BLOCK) {
            scoreBlock(list.values(), c, Math.min(BLOCK, n - c), scores);
        }
        return scores;
    }

    /** Softmax cross-entropy of candidate {@code target} against all candidates of the list. */
    static double listLoss(ScorerLayout layout, float[] p, FeatureList list, int target) {
        double[] s = scores(layout, p, list);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : s) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum) - s[target];
    }

    /**
     * {@code Σ weights[i] · listLoss(i) / lists}: the loss {@link DjlListwiseTrainer} minimises.
     */
    static double meanLoss(
            ScorerLayout layout,
            float[] p,
            List<FeatureList> lists,
            int[] targets,
            float[] weights) {
        double total = 0;
        for (int i = 0; i < lists.size(); i++) {
            total += weights[i] * listLoss(layout, p, lists.get(i), targets[i]);
        }
        return total / lists.size();
    }

    /** Scores the {@code m} candidates from {@code first} into {@code out[first...]}. */
    private void scoreBlock(float[] values, int first, int m, double[] out) {
        int f = features;
        int units = ScorerLayout.HIDDEN;
        for (int c = 0; c < m; c++) {
            int row = (first + c) * f;
            for (int i = 0; i < f; i++) {
                x[i][c] = values[row + i];
            }
        }
        for (int h = 0; h < units; h++) {
            Arrays.fill(pre[h], 0, m, hiddenBias[h]);
        }
        Arrays.fill(linear, 0, m, 0.0);
        for (int i = 0; i < f; i++) {
            double[] xi = x[i];
            addScaled(linear, gated[i], xi, m);
            int o = i * units;
            for (int h = 0; h < units; h++) {
                addScaled(pre[h], byFeature[o + h], xi, m);
            }
        }
        for (int c = 0; c < m; c++) {
            out[first + c] = linear[c] + hiddenOutput(c);
        }
    }

    /** {@code sums[c] += w · x[c]} for {@code c < m}. */
    private static void addScaled(double[] sums, double w, double[] x, int m) {
        for (int c = 0; c < m; c++) {
            sums[c] += w * x[c];
        }
    }

    /** {@code u · relu(pre)} of candidate {@code c} of the block. */
    private double hiddenOutput(int c) {
        double s = 0;
        for (int h = 0; h < ScorerLayout.HIDDEN; h++) {
            double a = pre[h][c];
            if (a > 0) {
                s += output[h] * a;
            }
        }
        return s;
    }

    private static void gatedWeights(
            ScorerLayout layout, float[] p, float[] context, double[] gated) {
        int f = layout.features();
        Arrays.fill(gated, 0.0);
        for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
            int wRow = layout.wOffset() + g * f;
            for (int i = 0; i < f; i++) {
                gated[i] += context[g] * p[wRow + i];
            }
        }
    }

    private static void hiddenBias(ScorerLayout layout, float[] p, float[] context, double[] bias) {
        int f = layout.features();
        for (int h = 0; h < bias.length; h++) {
            int hRow = layout.hOffset() + h * layout.hiddenInputs();
            double v = p[layout.bOffset() + h];
            for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
                v += p[hRow + f + g] * context[g];
            }
            bias[h] = v;
        }
    }

    private static void hiddenByFeature(ScorerLayout layout, float[] p, double[] byFeature) {
        int f = layout.features();
        int units = ScorerLayout.HIDDEN;
        for (int h = 0; h < units; h++) {
            int hRow = layout.hOffset() + h * layout.hiddenInputs();
            for (int i = 0; i < f; i++) {
                byFeature[i * units + h] = p[hRow + i];
            }
        }
    }

    static void checkFeatures(ScorerLayout layout, FeatureList list) {
        if (list.features() != layout.features()) {
            throw new IllegalArgumentException(
                    "a list of "
                            + list.features()
                            + " features for a scorer of "
                            + layout.features());
        }
    }
}
