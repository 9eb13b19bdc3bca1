package io.streamrec.model;

import java.io.Serializable;

/**
 * Shape of the default model: embedding dimension, sampled negatives per positive, the number of
 * recent items pooled into the user representation, and the half-life of the trending count.
 */
public record ModelConfig(
        int dim, int negatives, int historyLength, long trendHalfLifeMs, long seed)
        implements Serializable {

    /** Number of item features (log trending count, log all-time count). */
    public static final int FEATURES = 2;

    public ModelConfig {
        if (dim < 1 || negatives < 1 || historyLength < 0 || trendHalfLifeMs <= 0) {
            throw new IllegalArgumentException(
                    "invalid model shape: dim="
                            + dim
                            + ", negatives="
                            + negatives
                            + ", historyLength="
                            + historyLength
                            + ", trendHalfLifeMs="
                            + trendHalfLifeMs);
        }
    }

    public double trendDecayPerMs() {
        return Math.log(2) / trendHalfLifeMs;
    }
}
