package io.streamrec.ps;

import java.io.Serializable;

/**
 * L2 strength that adapts to how often a row is updated: {@code lambda / sqrt(1 + updates)}. Rare
 * rows (new users, cold items) are pulled towards zero hard, frequent rows barely, which is what a
 * fixed L2 cannot do on long-tailed data where one strength either over-regularises the head or
 * under-regularises the tail.
 */
public final class FrequencyAdaptiveL2 implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double lambda;

    public FrequencyAdaptiveL2(double lambda) {
        this.lambda = lambda;
    }

    /** The L2 strength for a row that has received {@code updates} contributions so far. */
    public double strength(long updates) {
        return lambda / Math.sqrt(1.0 + updates);
    }

    public double lambda() {
        return lambda;
    }
}
