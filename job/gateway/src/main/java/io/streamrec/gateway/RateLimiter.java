package io.streamrec.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key (a user id, a client): {@code rate} tokens a second, at most {@code burst}
 * saved up. The buckets of at most {@code maxKeys} keys are kept, least recently seen dropped
 * first: a dropped key starts again with a full bucket, so the bound costs at most one burst (and
 * one {@link #admit}ted batch) per eviction.
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
    long acquire(String key, long nowMillis) {
        return admit(key, 1, nowMillis);
    }

    /**
     * Admits a request that costs {@code tokens} (a batch, one per event) if {@code key}'s bucket
     * holds a token, taking them all: 0, and a cost past the bucket leaves it in debt, which the
     * key waits out at {@code rate}; else ms until it will hold one. Checked and taken at once, so
     * batches in flight together cannot all pass on the same tokens.
     */
    synchronized long admit(String key, int tokens, long nowMillis) {
        return take(key, tokens, 1, nowMillis);
    }

    /**
     * Admits the rest of a request's cost, {@code tokens} more than the one {@link #acquire}d when
     * it was let in, if {@code key}'s bucket is out of debt (it would hold that token back), taking
     * them all as {@link #admit} does: 0; else ms until it will be out of debt.
     */
    synchronized long admitRest(String key, int tokens, long nowMillis) {
        return take(key, tokens, 0, nowMillis);
    }

    /** Takes {@code tokens} if {@code key}'s bucket holds {@code needed}: 0; else ms until then. */
    private long take(String key, int tokens, double needed, long nowMillis) {
        double[] bucket = refilled(key, nowMillis);
        if (bucket[0] >= needed) {
            bucket[0] -= tokens;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((needed - bucket[0]) / tokensPerMilli));
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
