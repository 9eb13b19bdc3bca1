package io.streamrec.ranking;

import io.streamrec.schema.UserEvent;
import java.util.Locale;

/**
 * How much an event's list weighs in the ranker's listwise loss, from its explicit value (a
 * rating). Ratings are judged against the running mean and deviation of every value seen so far,
 * {@code z = (value - mean) / deviation}, so the weights do not depend on the rating scale (1-5,
 * 0-10, half stars). Events without a value weigh 1. Not thread-safe.
 *
 * <p>Outside the DP-SGD accounting: the running mean and deviation come from every event's value,
 * so one event's rating changes the weights of later lists, other users' included, and under {@link
 * Mode#LOW_SKIP} whether they are trained at all (docs/privacy.md).
 */
public final class EventWeighting {
    /** The ways of weighting an event. */
    public enum Mode {
        /** Every event weighs 1. */
        UNIFORM,
        /** {@code clamp(1 + z/2, 1/2, 3/2)}: a rating's distance from the mean, bounded. */
        LINEAR,
        /** 1/2 for a rating more than one deviation below the mean, 1 otherwise. */
        LOW_HALF,
        /** 0 (no training) for a rating more than one deviation below the mean, 1 otherwise. */
        LOW_SKIP;

        public static Mode parse(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private final Mode mode;
    private long values;
    private double mean;
    private double squares;

    public EventWeighting(Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** The event's weight, from the values seen before it; then learns its value. */
    public float weigh(UserEvent event) {
        float value = event.value();
        if (!Float.isFinite(value)) {
            return 1f;
        }
        float weight = weight(value);
        values++;
        double delta = value - mean;
        mean += delta / values;
        squares += delta * (value - mean);
        return weight;
    }

    private float weight(double value) {
        double deviation = values > 1 ? Math.sqrt(squares / (values - 1)) : 0.0;
        if (mode == Mode.UNIFORM || deviation <= 0.0) {
            return 1f;
        }
        double z = (value - mean) / deviation;
        switch (mode) {
            case LINEAR:
                return (float) Math.max(0.5, Math.min(1.5, 1 + z / 2));
            case LOW_HALF:
                return z < -1 ? 0.5f : 1f;
            case LOW_SKIP:
                return z < -1 ? 0f : 1f;
            default:
                return 1f;
        }
    }
}
