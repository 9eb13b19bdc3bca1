package io.streamrec.model;

import io.streamrec.schema.EventType;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * How much one event counts as a positive in the BPR loss: the weight of its type (1 for a type not
 * listed) times, with rating scaling on, its rating as a share of {@code ratingMax} (clamped to [0,
 * 1]; a rating without a value is not scaled). A weight multiplies the example's loss terms, so its
 * gradients scale linearly.
 *
 * @param byType weight per event type (>= 0); types not listed weigh 1
 * @param scaleRatings whether a rating event's weight is scaled by value / ratingMax
 * @param ratingMax the rating that counts fully (> 0)
 */
public record PositiveWeights(Map<EventType, Double> byType, boolean scaleRatings, double ratingMax)
        implements Serializable {

    /** Every event an equal positive of weight 1. */
    public static final PositiveWeights UNIFORM = new PositiveWeights(Map.of(), false, 10.0);

    public PositiveWeights {
        byType = byType.isEmpty() ? Map.of() : new EnumMap<>(byType);
        for (Map.Entry<EventType, Double> e : byType.entrySet()) {
            // a weight beyond the float range would be infinite in the loss
            if (!(e.getValue() >= 0) || e.getValue() > Float.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "weight of "
                                + e.getKey()
                                + " must be >= 0 and at most "
                                + Float.MAX_VALUE
                                + ": "
                                + e.getValue());
            }
        }
        if (!(ratingMax > 0) || Double.isInfinite(ratingMax)) {
            throw new IllegalArgumentException("ratingMax must be > 0: " + ratingMax);
        }
    }

    /** The weight of an event of {@code type} with {@code value} (e.g. the rating). */
    public float of(EventType type, float value) {
        double weight = type == null ? 1.0 : byType.getOrDefault(type, 1.0);
        // a rating without a value (NaN) counts by its type alone: NaN in one example's weight
        // would make the whole batch's loss, and every row it trains, NaN
        if (scaleRatings && type == EventType.RATING && !Float.isNaN(value)) {
            weight *= Math.min(1.0, Math.max(0.0, value / ratingMax));
        }
        return (float) weight;
    }
}
