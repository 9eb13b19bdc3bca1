package io.streamrec.ps;

/**
 * An exponentially decayed count stored as (value, anchor time): adding {@code increment} (itself
 * decayed to {@code time}) at {@code time} decays the stored value to the later of the two times.
 * The parameter server and the workers' local updates share this arithmetic.
 */
public record TrendCounter(float value, long time) {

    public TrendCounter add(double increment, long at, double decayPerMs) {
        if (at >= time) {
            return new TrendCounter(
                    (float) (value * Math.exp(-(at - time) * decayPerMs) + increment), at);
        }
        return new TrendCounter(
                (float) (value + increment * Math.exp(-(time - at) * decayPerMs)), time);
    }
}
