package io.streamrec.model;

import java.io.Serializable;

/**
 * Shape of the default model: embedding dimension, sampled negatives per positive, the number of
 * recent items pooled into the user representation, the half-life of the trending count, and the
 * length of the items' pretrained content vectors (0: none), and how much each event counts as a
 * positive.
 */
public record ModelConfig(
        int dim,
        int negatives,
        int historyLength,
        long trendHalfLifeMs,
        long seed,
        int contentDim,
        PositiveWeights positiveWeights)
        implements Serializable {

    /** Number of item features (log trending count, log all-time count). */
    public static final int FEATURES = 2;

    /** A model without pretrained content vectors. */
    public ModelConfig(int dim, int negatives, int historyLength, long trendHalfLifeMs, long seed) {
        this(dim, negatives, historyLength, trendHalfLifeMs, seed, 0);
    }

    /** A model where every event is an equal positive. */
    public ModelConfig(
            int dim,
            int negatives,
            int historyLength,
            long trendHalfLifeMs,
            long seed,
            int contentDim) {
        this(
                dim,
                negatives,
                historyLength,
                trendHalfLifeMs,
                seed,
                contentDim,
                PositiveWeights.UNIFORM);
    }

    public ModelConfig {
        if (dim < 1
                || negatives < 1
                || historyLength < 0
                || trendHalfLifeMs <= 0
                || contentDim < 0
                || positiveWeights == null) {
            throw new IllegalArgumentException(
                    "invalid model shape: dim="
                            + dim
                            + ", negatives="
                            + negatives
                            + ", historyLength="
                            + historyLength
                            + ", trendHalfLifeMs="
                            + trendHalfLifeMs
                            + ", contentDim="
                            + contentDim);
        }
    }

    public double trendDecayPerMs() {
        return Math.log(2) / trendHalfLifeMs;
    }
}
