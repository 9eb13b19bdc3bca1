package io.streamrec.tools.bench;

import java.util.Arrays;

/**
 * Latencies kept one by one, so that their percentiles are exact (nearest rank), where a {@link
 * io.streamrec.eval.LatencyHistogram} gives a bucket's upper edge, up to 12% above the value: a
 * client's few hundred requests a run are judged against a target such as p99 ≤ 50 ms.
 */
final class LatencySamples {
    private double[] ms = new double[64];
    private int count;

    void record(double latencyMs) {
        if (count == ms.length) {
            ms = Arrays.copyOf(ms, count * 2);
        }
        ms[count++] = latencyMs;
    }

    void addAll(LatencySamples other) {
        for (int i = 0; i < other.count; i++) {
            record(other.ms[i]);
        }
    }

    long count() {
        return count;
    }

    /** The largest latency, NaN without one. */
    double maxMs() {
        return count == 0 ? Double.NaN : Arrays.stream(ms, 0, count).max().getAsDouble();
    }

    /** The exact {@code q}-quantile (nearest rank), NaN without a sample. */
    double quantileMs(double q) {
        double[] sorted = Arrays.copyOf(ms, count);
        Arrays.sort(sorted);
        return Summary.quantile(sorted, q);
    }
}
