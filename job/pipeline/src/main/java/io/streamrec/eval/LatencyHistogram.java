package io.streamrec.eval;

import java.util.Map;
import java.util.TreeMap;

/**
 * A mergeable latency histogram with logarithmic buckets (20 per decade, so a percentile read from
 * it is within about 12% of the exact value) from 0.1 ms up; subtasks' histograms add up exactly,
 * which percentiles do not.
 */
public final class LatencyHistogram {
    private static final int PER_DECADE = 20;
    private static final double MIN_MS = 0.1;

    private final TreeMap<Integer, Long> buckets = new TreeMap<>();
    private long count;
    private double maxMs;

    public void record(double ms) {
        int b = ms <= MIN_MS ? 0 : (int) Math.ceil(Math.log10(ms / MIN_MS) * PER_DECADE);
        buckets.merge(b, 1L, Long::sum);
        count++;
        maxMs = Math.max(maxMs, ms);
    }

    public void addAll(LatencyHistogram other) {
        other.buckets.forEach((b, c) -> buckets.merge(b, c, Long::sum));
        count += other.count;
        maxMs = Math.max(maxMs, other.maxMs);
    }

    public long count() {
        return count;
    }

    public double maxMs() {
        return maxMs;
    }

    /** The upper bound of the bucket holding the {@code q}-quantile (0..1); 0 when empty. */
    public double quantileMs(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return Math.min(upperMs(e.getKey()), maxMs);
            }
        }
        return maxMs;
    }

    private static double upperMs(int bucket) {
        return MIN_MS * Math.pow(10, (double) bucket / PER_DECADE);
    }

    /**
     * The samples recorded after {@code earlier}, a copy of this histogram taken before (a
     * subtask's previous report): bucket by bucket, with the maximum of the buckets left (the exact
     * maximum of those samples is not kept).
     */
    public LatencyHistogram since(LatencyHistogram earlier) {
        LatencyHistogram out = new LatencyHistogram();
        buckets.forEach(
                (b, c) -> {
                    long n = c - earlier.buckets.getOrDefault(b, 0L);
                    if (n > 0) {
                        out.buckets.put(b, n);
                        out.count += n;
                        out.maxMs = Math.min(maxMs, upperMs(b));
                    }
                });
        return out;
    }

    /** Bucket index to count, for encoding. */
    public Map<Integer, Long> buckets() {
        return java.util.Collections.unmodifiableMap(buckets);
    }

    /** Rebuilds a histogram from {@link #buckets()} and {@link #maxMs()}. */
    public static LatencyHistogram of(Map<Integer, Long> buckets, double maxMs) {
        LatencyHistogram h = new LatencyHistogram();
        buckets.forEach(
                (b, c) -> {
                    h.buckets.merge(b, c, Long::sum);
                    h.count += c;
                });
        h.maxMs = maxMs;
        return h;
    }

    /** Bucket upper bounds (ms) and counts, for plots. */
    public TreeMap<Double, Long> distribution() {
        TreeMap<Double, Long> out = new TreeMap<>();
        buckets.forEach((b, c) -> out.put(upperMs(b), c));
        return out;
    }
}
