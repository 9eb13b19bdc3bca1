package io.streamrec.ps;

import java.io.Serializable;

/**
 * A per-row optimizer. It owns a fixed number of slot arrays per weight (accumulators), stored
 * beside the weights in the row's state, so each row is updated independently of all others.
 */
public interface RowOptimizer extends Serializable {

    /** Number of optimizer slots per weight. */
    int slotsPerWeight();

    /** Creates the slots of a fresh row whose initial weights are {@code weights}. */
    float[] initSlots(float[] weights);

    /**
     * Creates new slots for {@code weights} that the next step, taken with L2 strength {@code l2},
     * starts from: a row's first step, or one whose slots were lost (not all numbers, none, another
     * optimizer's) on a row whose frequency-adapted L2 has fallen since.
     */
    default float[] initSlots(float[] weights, double l2) {
        return initSlots(weights);
    }

    /**
     * Applies one gradient step in place.
     *
     * @param weights the row's weights, updated in place
     * @param slots the row's optimizer slots, updated in place
     * @param gradient the loss gradient for the row
     * @param l2 the L2 strength for this row (already adapted to the row's frequency)
     */
    void apply(float[] weights, float[] slots, float[] gradient, double l2);
}
