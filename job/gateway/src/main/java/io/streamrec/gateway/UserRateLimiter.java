package io.streamrec.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per user id: {@code rate} tokens a second, at most {@code burst} saved up. The
 * buckets of at most {@code maxUsers} ids are kept, least recently seen dropped first: a dropped id
 * starts again with a full bucket, so the bound costs at most one burst per eviction.
 */
final class UserRateLimiter {
    private final double tokensPerMilli;
    private final double burst;
    private final Map<String, double[]> buckets; // {tokens, last refill ms}

    UserRateLimiter(double ratePerSecond, int burst, int maxUsers) {
        this.tokensPerMilli = ratePerSecond / 1000.0;
        this.burst = burst;
        this.buckets =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                        return size() > maxUsers;
                    }
                };
    }

    /** Takes a token of {@code user}'s bucket: 0 if it had one, else ms until it will have. */
    synchronized long acquire(String user, long nowMillis) {
        double[] bucket = buckets.computeIfAbsent(user, u -> new double[] {burst, nowMillis});
        double elapsed = Math.max(0, nowMillis - bucket[1]);
        bucket[0] = Math.min(burst, bucket[0] + elapsed * tokensPerMilli);
        bucket[1] = nowMillis;
        if (bucket[0] >= 1) {
            bucket[0] -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - bucket[0]) / tokensPerMilli));
    }

    synchronized int users() {
        return buckets.size();
    }
}
