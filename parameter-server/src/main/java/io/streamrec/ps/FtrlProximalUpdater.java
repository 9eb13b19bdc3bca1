package io.streamrec.ps;

/**
 * FTRL-Proximal (McMahan et al., 2013) per coordinate, with L1 {@code l1} and the row's adaptive
 * L2. Slots hold {@code z} (first half) and {@code n} (second half).
 *
 * <p>A fresh row starts with {@code z = -w0 * (beta/alpha + l2) - sign(w0) * l1}, so the
 * closed-form weight (L1 included) equals the random initial weight: plain FTRL starts at zero,
 * which would leave embeddings symmetric and untrainable. {@code l2} is the strength of the row's
 * next step, so new slots on a row updated before (its slots lost) keep its weights too.
 */
public final class FtrlProximalUpdater implements RowOptimizer {
    private static final long serialVersionUID = 1L;

    private final double alpha;
    private final double beta;
    private final double l1;
    private final double initialL2;

    public FtrlProximalUpdater(double alpha, double beta, double l1, double initialL2) {
        this.alpha = alpha;
        this.beta = beta;
        this.l1 = l1;
        this.initialL2 = initialL2;
    }

    @Override
    public int slotsPerWeight() {
        return 2;
    }

    /** New slots for a step under the initial L2 strength (a row with no updates). */
    @Override
    public float[] initSlots(float[] weights) {
        return initSlots(weights, initialL2);
    }

    /**
     * New slots whose closed-form weight, under the L2 strength {@code l2} of the next step, is
     * {@code weights}: under another strength a zero gradient would move the weights.
     */
    @Override
    public float[] initSlots(float[] weights, double l2) {
        int d = weights.length;
        float[] slots = new float[2 * d];
        for (int i = 0; i < d; i++) {
            double w = weights[i];
            slots[i] = (float) (-w * (beta / alpha + l2) - Math.signum(w) * l1);
        }
        return slots;
    }

    @Override
    public void apply(float[] weights, float[] slots, float[] gradient, double l2) {
        int d = weights.length;
        for (int i = 0; i < d; i++) {
            double g = gradient[i];
            double n = slots[d + i];
            double nNew = n + g * g;
            double sigma = (Math.sqrt(nNew) - Math.sqrt(n)) / alpha;
            double z = slots[i] + g - sigma * weights[i];
            slots[i] = (float) z;
            slots[d + i] = (float) nNew;
            weights[i] =
                    Math.abs(z) <= l1
                            ? 0f
                            : (float)
                                    (-(z - Math.signum(z) * l1)
                                            / ((beta + Math.sqrt(nNew)) / alpha + l2));
        }
    }

    @Override
    public String toString() {
        return "FTRL-Proximal(alpha=" + alpha + ", beta=" + beta + ", l1=" + l1 + ")";
    }
}
