package io.streamrec.ps;

/**
 * AdaGrad with L2: {@code g' = g + l2*w; G += g'^2; w -= lr * g' / (sqrt(G) + eps)}. One slot per
 * weight holds the accumulator {@code G}.
 */
public final class AdagradUpdater implements RowOptimizer {
    private static final long serialVersionUID = 1L;

    private final double learningRate;
    private final double initialAccumulator;
    private final double epsilon;

    public AdagradUpdater(double learningRate, double initialAccumulator, double epsilon) {
        this.learningRate = learningRate;
        this.initialAccumulator = initialAccumulator;
        this.epsilon = epsilon;
    }

    @Override
    public int slotsPerWeight() {
        return 1;
    }

    @Override
    public float[] initSlots(float[] weights) {
        float[] slots = new float[weights.length];
        java.util.Arrays.fill(slots, (float) initialAccumulator);
        return slots;
    }

    @Override
    public void apply(float[] weights, float[] slots, float[] gradient, double l2) {
        for (int i = 0; i < weights.length; i++) {
            double g = gradient[i] + l2 * weights[i];
            double acc = slots[i] + g * g;
            slots[i] = (float) acc;
            weights[i] = (float) (weights[i] - learningRate * g / (Math.sqrt(acc) + epsilon));
        }
    }

    @Override
    public String toString() {
        return "AdaGrad(lr=" + learningRate + ", G0=" + initialAccumulator + ")";
    }
}
