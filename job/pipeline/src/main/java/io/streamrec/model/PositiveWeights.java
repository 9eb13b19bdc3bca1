package io.streamrec.model;

import io.streamrec.schema.EventType;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * How much one event counts as a positive in the BPR loss: the weight of its type (1 for a type not
 * listed) times, with rating scaling on, its rating as a share of {@code ratingMax} (clamped to [0,
 * 1]). A weight multiplies the example's loss terms, so its gradients scale linearly.
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
            if (!(e.getValue() >= 0) || Double.isInfinite(e.getValue())) {
                throw new IllegalArgumentException(
                        "weight of " + e.getKey() + " must be >= 0: " + e.getValue());
            }
        }
        if (!(ratingMax > 0) || Double.isInfinite(ratingMax)) {
            throw new IllegalArgumentException("ratingMax must be > 0: " + ratingMax);
        }
    }

    /** The weight of an event of {@code type} with {@code value} (e.g. the rating). */
    public float of(EventType type, float value) {
        double weight = type == null ? 1.0 : byType.getOrDefault(type, 1.0);
        if (scaleRatings && type == EventType.RATING) {
            weight *= Math.min(1.0, Math.max(0.0, value / ratingMax));
        }
        return (float) weight;
    }
}
