package io.streamrec.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key (a user id, a client): {@code rate} tokens a second, at most {@code burst}
 * saved up. The buckets of at most {@code maxKeys} keys are kept, least recently seen dropped
 * first: a dropped key starts again with a full bucket, so the bound costs at most one burst (and
 * one {@link #charge}) per eviction.
 */
final class RateLimiter {
    private final double tokensPerMilli;
    private final double burst;
    private final Map<String, double[]> buckets; // {tokens, last refill ms}

    RateLimiter(double ratePerSecond, int burst, int maxKeys) {
        this.tokensPerMilli = ratePerSecond / 1000.0;
        this.burst = burst;
        this.buckets =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                        return size() > maxKeys;
                    }
                };
    }

    /** Takes a token of {@code key}'s bucket: 0 if it had one, else ms until it will have. */
    synchronized long acquire(String key, long nowMillis) {
        double[] bucket = refilled(key, nowMillis);
        if (bucket[0] >= 1) {
            bucket[0] -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - bucket[0]) / tokensPerMilli));
    }

    /**
     * Takes {@code tokens} more of {@code key}'s bucket, whatever it holds: an admitted request
     * that turns out to cost more (a batch) leaves the bucket in debt, and {@link #acquire} refuses
     * the key until the debt is paid off at {@code rate}.
     */
    synchronized void charge(String key, int tokens, long nowMillis) {
        refilled(key, nowMillis)[0] -= tokens;
    }

    private double[] refilled(String key, long nowMillis) {
        double[] bucket = buckets.computeIfAbsent(key, k -> new double[] {burst, nowMillis});
        double elapsed = Math.max(0, nowMillis - bucket[1]);
        bucket[0] = Math.min(burst, bucket[0] + elapsed * tokensPerMilli);
        bucket[1] = nowMillis;
        return bucket;
    }

    synchronized int keys() {
        return buckets.size();
    }
}
