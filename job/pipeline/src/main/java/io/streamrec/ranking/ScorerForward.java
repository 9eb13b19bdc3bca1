package io.streamrec.ranking;

import java.util.List;

/**
 * The scorer's math in plain Java, in double precision: the serving forward pass for one list and
 * the reference loss the DJL gradients are checked against. {@code score(c) = Σ_g ctx[g]·(W[g]·x_c)
 * + u·relu(H·[x_c; ctx] + b)}, parameters laid out as {@link ScorerLayout} says.
 */
final class ScorerForward {
    /**
     * Candidates scored together: four rows share each load of H and keep 64 independent sums in
     * flight, about twice as fast as one candidate at a time.
     */
    private static final int BLOCK = 4;

    private final int features;

    /** The linear weights after gating: {@code Σ_g ctx[g] · W[g]}. */
    private final double[] gated;

    /** The part of each hidden pre-activation shared by the list: {@code b + H_ctx · ctx}. */
    private final double[] hiddenBias;

    /** The feature part of H, feature-major: {@code H[h][i]} at {@code i·HIDDEN + h}. */
    private final double[] byFeature;

    private final double[] output;

    /** Pre-activations of the block being scored, candidate-major. */
    private final double[] pre = new double[BLOCK * ScorerLayout.HIDDEN];

    private ScorerForward(ScorerLayout layout, float[] p, float[] context) {
        this.features = layout.features();
        this.gated = gatedWeights(layout, p, context);
        this.hiddenBias = hiddenBias(layout, p, context);
        this.byFeature = hiddenByFeature(layout, p);
        this.output = new double[ScorerLayout.HIDDEN];
        for (int h = 0; h < output.length; h++) {
            output[h] = p[layout.uOffset() + h];
        }
    }

    /** Scores of every candidate of {@code list}. */
    static double[] scores(ScorerLayout layout, float[] p, FeatureList list) {
        checkFeatures(layout, list);
        ScorerForward forward = new ScorerForward(layout, p, list.context());
        int f = layout.features();
        int n = list.candidates();
        double[] scores = new double[n];
        int full = n - n % BLOCK;
        for (int c = 0; c < full; c += BLOCK) {
            forward.scoreBlock(list.values(), c * f, scores, c);
        }
        if (full < n) {
            // the last rows, padded with zero rows to a whole block
            float[] tail = new float[BLOCK * f];
            System.arraycopy(list.values(), full * f, tail, 0, (n - full) * f);
            double[] tailScores = new double[BLOCK];
            forward.scoreBlock(tail, 0, tailScores, 0);
            System.arraycopy(tailScores, 0, scores, full, n - full);
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

    /** Scores the {@link #BLOCK} rows of {@code x} from {@code from} into {@code out[at...]}. */
    private void scoreBlock(float[] x, int from, double[] out, int at) {
        int f = features;
        int units = ScorerLayout.HIDDEN;
        for (int k = 0; k < BLOCK; k++) {
            System.arraycopy(hiddenBias, 0, pre, k * units, units);
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int i = 0; i < f; i++) {
            double x0 = x[from + i];
            double x1 = x[from + f + i];
            double x2 = x[from + 2 * f + i];
            double x3 = x[from + 3 * f + i];
            double g = gated[i];
            s0 += g * x0;
            s1 += g * x1;
            s2 += g * x2;
            s3 += g * x3;
            int o = i * units;
            for (int h = 0; h < units; h++) {
                double w = byFeature[o + h];
                pre[h] += w * x0;
                pre[units + h] += w * x1;
                pre[2 * units + h] += w * x2;
                pre[3 * units + h] += w * x3;
            }
        }
        out[at] = s0 + hiddenOutput(0);
        out[at + 1] = s1 + hiddenOutput(1);
        out[at + 2] = s2 + hiddenOutput(2);
        out[at + 3] = s3 + hiddenOutput(3);
    }

    /** {@code u · relu(pre)} of candidate {@code k} of the block. */
    private double hiddenOutput(int k) {
        double s = 0;
        int from = k * ScorerLayout.HIDDEN;
        for (int h = 0; h < ScorerLayout.HIDDEN; h++) {
            double a = pre[from + h];
            if (a > 0) {
                s += output[h] * a;
            }
        }
        return s;
    }

    private static double[] gatedWeights(ScorerLayout layout, float[] p, float[] context) {
        int f = layout.features();
        double[] gated = new double[f];
        for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
            int wRow = layout.wOffset() + g * f;
            for (int i = 0; i < f; i++) {
                gated[i] += context[g] * p[wRow + i];
            }
        }
        return gated;
    }

    private static double[] hiddenBias(ScorerLayout layout, float[] p, float[] context) {
        int f = layout.features();
        double[] bias = new double[ScorerLayout.HIDDEN];
        for (int h = 0; h < bias.length; h++) {
            int hRow = layout.hOffset() + h * layout.hiddenInputs();
            double v = p[layout.bOffset() + h];
            for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
                v += p[hRow + f + g] * context[g];
            }
            bias[h] = v;
        }
        return bias;
    }

    private static double[] hiddenByFeature(ScorerLayout layout, float[] p) {
        int f = layout.features();
        int units = ScorerLayout.HIDDEN;
        double[] byFeature = new double[f * units];
        for (int h = 0; h < units; h++) {
            int hRow = layout.hOffset() + h * layout.hiddenInputs();
            for (int i = 0; i < f; i++) {
                byFeature[i * units + h] = p[hRow + i];
            }
        }
        return byFeature;
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
