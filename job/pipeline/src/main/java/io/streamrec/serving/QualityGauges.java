package io.streamrec.serving;

import io.streamrec.eval.PrequentialCounts;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.MetricGroup;

/**
 * Serving's quality gauges per recommender: HR@10 and NDCG@10 over the whole run and HR@10 in the
 * latest window. The metrics thread reads gauges while the task thread changes the counts, so the
 * task thread computes the values and publishes them at most once a second (and at each
 * checkpoint); a gauge reads the last published array, never the counts.
 */
final class QualityGauges {
    private static final int N = PrequentialCounts.RECOMMENDERS.length;
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    /** Per recommender r: HR@10 at r, NDCG@10 at N + r, the latest window's HR@10 at 2N + r. */
    private volatile double[] values = new double[3 * N];

    private final LongSupplier nanoClock;
    private long publishedAtNanos;
    private boolean published;

    QualityGauges() {
        this(System::nanoTime);
    }

    /** Gauges that tell a second by {@code nanoClock} (a test's steps it). */
    QualityGauges(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Registers {@code hr10_<r>}, {@code ndcg10_<r>} and {@code hr10_window_<r>} per recommender.
     */
    void register(MetricGroup group) {
        for (int r = 0; r < N; r++) {
            String name = metricName(PrequentialCounts.RECOMMENDERS[r]);
            int at = r;
            group.gauge("hr10_" + name, () -> values[at]);
            group.gauge("ndcg10_" + name, () -> values[N + at]);
            group.gauge("hr10_window_" + name, () -> values[2 * N + at]);
        }
    }

    /** A recommender's name as a metric name: reporters rewrite characters such as '+'. */
    static String metricName(String recommender) {
        return recommender.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** {@link #publish}es unless the last was less than a second ago. */
    void maybePublish(PrequentialCounts counts) {
        if (!published || nanoClock.getAsLong() - publishedAtNanos >= INTERVAL_NANOS) {
            publish(counts);
        }
    }

    /** Computes every value from {@code counts}, on the thread that changes them. */
    void publish(PrequentialCounts counts) {
        double[] next = new double[3 * N];
        for (int r = 0; r < N; r++) {
            PrequentialCounts.Quality quality = counts.quality(r);
            // NaN, no value, for a recommender the model type does not rank (the blend under BPR)
            next[r] = quality.ranked() ? quality.hitRate() : Double.NaN;
            next[N + r] = quality.ranked() ? quality.ndcg() : Double.NaN;
            PrequentialCounts.Quality latest = counts.latestWindowQuality(r);
            next[2 * N + r] = latest.ranked() ? latest.hitRate() : Double.NaN;
        }
        values = next;
        publishedAtNanos = nanoClock.getAsLong();
        published = true;
    }
}
