package io.streamrec.ranking;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer's math in plain Java: {@code score(c) = Σ_g ctx[g]·(W[g]·x_c) + u·relu(H·[x_c; ctx] +
 * b)}, parameters laid out as {@link ScorerLayout} says. Two forms: the static reference in double
 * precision, one candidate at a time (the loss the DJL gradients are checked against), and the
 * serving pass of an instance, in float like the DJL trainer, blocked so that the JIT vectorises it
 * (twice as many floats as doubles per vector instruction); a test holds the two together.
 */
final class ScorerForward implements ScorerPass {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerForward.class);

    /** The module {@link VectorScorerForward} needs (the JVM option {@code --add-modules}). */
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final AtomicBoolean PASS_LOGGED = new AtomicBoolean();

    /**
     * Candidates scored together. Each step of the pass is one loop across the block's candidates
     * on the same index of two arrays, which the JIT vectorises.
     */
    private static final int BLOCK = 128;

    private final ScorerLayout layout;
    private final int features;
    private final ListWeights weights;

    /** The block's features, feature-major: {@code x[i][c]}. */
    private final float[][] x;

    /** The block's hidden pre-activations, unit-major: {@code pre[h][c]}. */
    private final float[][] pre;

    /** The block's linear parts, {@code Σ_i gated[i] · x[i][c]}. */
    private final float[] linear;

    /** A pass with its scratch, to score list after list: not thread-safe. */
    ScorerForward(ScorerLayout layout) {
        this.layout = layout;
        this.features = layout.features();
        this.weights = new ListWeights(layout);
        this.x = new float[features][BLOCK];
        this.pre = new float[ScorerLayout.HIDDEN][BLOCK];
        this.linear = new float[BLOCK];
    }

    /**
     * The fastest pass this JVM runs: {@link VectorScorerForward} where the JVM was started with
     * {@code --add-modules jdk.incubator.vector} (as this project's scripts, tests and Flink
     * configuration do), this plain pass otherwise. Which one is logged once per JVM.
     */
    static ScorerPass fastest(ScorerLayout layout) {
        boolean vector = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
        if (PASS_LOGGED.compareAndSet(false, true)) {
            LOG.info(
                    vector
                            ? "Serving scores lists with the Vector API ({})"
                            : "Serving scores lists in plain Java: start the JVM with"
                                    + " --add-modules {} for the Vector API pass",
                    vector ? VectorScorerForward.describe() : VECTOR_MODULE);
        }
        return vector ? new VectorScorerForward(layout) : new ScorerForward(layout);
    }

    /** Scores of every candidate of {@code list} under parameters {@code p}, in float. */
    @Override
    public float[] score(float[] p, FeatureList list) {
        checkFeatures(layout, list);
        weights.prepare(p, list.context());
        int n = list.candidates();
        float[] scores = new float[n];
        for (int c = 0; c < n; c += BLOCK) {
            scoreBlock(list.values(), c, Math.min(BLOCK, n - c), scores);
        }
        return scores;
    }

    /** Scores the {@code m} candidates from {@code first} into {@code out[first...]}. */
    private void scoreBlock(float[] values, int first, int m, float[] out) {
        int f = features;
        int units = ScorerLayout.HIDDEN;
        for (int c = 0; c < m; c++) {
            int row = (first + c) * f;
            for (int i = 0; i < f; i++) {
                x[i][c] = values[row + i];
            }
        }
        float[] hiddenBias = weights.hiddenBias;
        float[] gated = weights.gated;
        float[] byFeature = weights.byFeature;
        float[] output = weights.output;
        for (int h = 0; h < units; h++) {
            Arrays.fill(pre[h], 0, m, hiddenBias[h]);
        }
        Arrays.fill(linear, 0, m, 0f);
        for (int i = 0; i < f; i++) {
            float[] xi = x[i];
            addScaled(linear, gated[i], xi, m);
            int o = i * units;
            for (int h = 0; h < units; h += 4) {
                addScaled4(pre, h, byFeature, o + h, xi, m);
            }
        }
        for (int h = 0; h < units; h++) {
            float u = output[h];
            float[] a = pre[h];
            for (int c = 0; c < m; c++) {
                linear[c] += u * Math.max(a[c], 0f);
            }
        }
        System.arraycopy(linear, 0, out, first, m);
    }

    /**
     * {@code pre[h + k][c] += w[o + k] · x[c]} for four units {@code k < 4} and {@code c < m}: each
     * {@code x[c]} read once for four sums.
     */
    private static void addScaled4(float[][] pre, int h, float[] w, int o, float[] x, int m) {
        float[] s0 = pre[h];
        float[] s1 = pre[h + 1];
        float[] s2 = pre[h + 2];
        float[] s3 = pre[h + 3];
        float w0 = w[o];
        float w1 = w[o + 1];
        float w2 = w[o + 2];
        float w3 = w[o + 3];
        for (int c = 0; c < m; c++) {
            float v = x[c];
            s0[c] += w0 * v;
            s1[c] += w1 * v;
            s2[c] += w2 * v;
            s3[c] += w3 * v;
        }
    }

    /** {@code sums[c] += w · x[c]} for {@code c < m}. */
    private static void addScaled(float[] sums, float w, float[] x, int m) {
        for (int c = 0; c < m; c++) {
            sums[c] += w * x[c];
        }
    }

    /** Scores of every candidate of {@code list}: the reference, in double. */
    static double[] scores(ScorerLayout layout, float[] p, FeatureList list) {
        checkFeatures(layout, list);
        int f = layout.features();
        float[] context = list.context();
        float[] values = list.values();
        double[] scores = new double[list.candidates()];
        for (int c = 0; c < scores.length; c++) {
            int row = c * f;
            double s = 0;
            for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
                int wRow = layout.wOffset() + g * f;
                for (int i = 0; i < f; i++) {
                    s += context[g] * p[wRow + i] * values[row + i];
                }
            }
            for (int h = 0; h < layout.hidden(); h++) {
                int hRow = layout.hOffset() + h * layout.hiddenInputs();
                double a = hiddenBias(layout, p, context, h);
                for (int i = 0; i < f; i++) {
                    a += (double) p[hRow + i] * values[row + i];
                }
                if (a > 0) {
                    s += p[layout.uOffset() + h] * a;
                }
            }
            scores[c] = s;
        }
        return scores;
    }

    /** {@code b[h] + H_ctx[h] · ctx}: the part of unit h's pre-activation shared by a list. */
    static double hiddenBias(ScorerLayout layout, float[] p, float[] context, int h) {
        int hRow = layout.hOffset() + h * layout.hiddenInputs();
        double v = p[layout.bOffset() + h];
        for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
            v += (double) p[hRow + layout.features() + g] * context[g];
        }
        return v;
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
