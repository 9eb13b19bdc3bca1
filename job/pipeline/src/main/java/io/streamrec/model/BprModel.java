package io.streamrec.model;

/**
 * The default model's math in plain Java, used for scoring in serving and as the reference that the
 * DJL training step is tested against.
 *
 * <pre>
 *   content(i) = tanh(mean_{a in attrs(i)} A[a] . W + x(i) . U + c)   item content: genres and
 *                                                                the pretrained vector x(i), if any
 *   v(i)       = E[i] + content(i)                                  item vector
 *   q(u)       = P[u] + mean_{j in recent(u)} v(j)                  user vector (id + recent items)
 *   s(u, i)    = q(u) . v(i) + bias(i) + phi(i) . w_phi             score
 *   loss       = sum_examples weight(e) mean_negatives softplus(s(u, neg) - s(u, pos))  (BPR)
 * </pre>
 */
public final class BprModel {
    private BprModel() {}

    /**
     * Writes content(i) for an item whose pooled attribute embedding is {@code attrMean} and whose
     * pretrained vector is {@code x} (empty: none; {@code u} is p x d).
     */
    public static void content(
            float[] attrMean, float[] x, float[] w, float[] u, float[] c, int d, float[] out) {
        for (int j = 0; j < d; j++) {
            double s = c[j];
            for (int k = 0; k < d; k++) {
                s += attrMean[k] * w[k * d + j];
            }
            for (int k = 0; k < x.length; k++) {
                s += x[k] * u[k * d + j];
            }
            out[j] = (float) Math.tanh(s);
        }
    }

    /** The BPR loss of a batch, in double precision, from the batch's own row values. */
    public static double loss(TrainingBatch b) {
        double[][] v = itemVectors(b);
        double total = 0;
        for (int e = 0; e < b.size; e++) {
            total += b.exampleWeight[e] * eventLoss(b, e, userVector(b, e, v), v) / b.negatives;
        }
        return total;
    }

    /**
     * Each batch item's vector: its embedding plus the tanh of its pooled attributes and content.
     */
    private static double[][] itemVectors(TrainingBatch b) {
        int d = b.dim;
        int ni = b.items.size();
        int ng = b.attributes.size();
        int p = b.contentDim;
        double[][] v = new double[ni][d];
        for (int i = 0; i < ni; i++) {
            double[] pooled = new double[d];
            for (int a = 0; a < ng; a++) {
                double w = b.attributeMatrix[i * ng + a];
                if (w != 0) {
                    for (int k = 0; k < d; k++) {
                        pooled[k] += w * b.attributeWeights[a * d + k];
                    }
                }
            }
            for (int j = 0; j < d; j++) {
                double s = b.denseC[j];
                for (int k = 0; k < d; k++) {
                    s += pooled[k] * b.denseW[k * d + j];
                }
                for (int k = 0; k < p; k++) {
                    s += b.contentVectors[i * p + k] * b.denseU[k * d + j];
                }
                v[i][j] = b.itemEmbeddings[i * d + j] + Math.tanh(s);
            }
        }
        return v;
    }

    /** Event {@code e}'s user vector: the user's row plus its weighted history of item vectors. */
    private static double[] userVector(TrainingBatch b, int e, double[][] v) {
        int d = b.dim;
        double[] q = new double[d];
        int u = (int) b.userIndex[e];
        for (int j = 0; j < d; j++) {
            q[j] = b.userWeights[u * d + j];
        }
        for (int h = 0; h < b.historyLength; h++) {
            double w = b.historyWeight[e * b.historyLength + h];
            if (w != 0) {
                int item = (int) b.historyIndex[e * b.historyLength + h];
                for (int j = 0; j < d; j++) {
                    q[j] += w * v[item][j];
                }
            }
        }
        return q;
    }

    /** Event {@code e}'s summed softplus(negative - positive) over its negatives, unweighted. */
    private static double eventLoss(TrainingBatch b, int e, double[] q, double[][] v) {
        int f = ModelConfig.FEATURES;
        int p = (int) b.positiveIndex[e];
        double sp = dot(q, v[p]) + b.itemBias[p];
        for (int x = 0; x < f; x++) {
            sp += b.positiveFeatures[e * f + x] * b.densePhi[x];
        }
        double sum = 0;
        for (int k = 0; k < b.negatives; k++) {
            int n = (int) b.negativeIndex[e * b.negatives + k];
            double sn = dot(q, v[n]) + b.itemBias[n];
            for (int x = 0; x < f; x++) {
                sn += b.negativeFeatures[(e * b.negatives + k) * f + x] * b.densePhi[x];
            }
            sum += softplus(sn - sp);
        }
        return sum;
    }

    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
