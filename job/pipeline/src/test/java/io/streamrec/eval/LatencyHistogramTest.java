package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void quantilesWithinTheBucketResolutionAndMergeExactly() {
        LatencyHistogram low = new LatencyHistogram();
        LatencyHistogram high = new LatencyHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            (ms <= 500 ? low : high).record(ms);
        }
        LatencyHistogram all = new LatencyHistogram();
        all.addAll(low);
        all.addAll(high);
        assertThat(all.count()).isEqualTo(1000);
        assertThat(all.maxMs()).isEqualTo(1000.0);
        // the bucket's upper bound: never below the exact quantile, at most 12.2% above it
        assertThat(all.quantileMs(0.5)).isBetween(500.0, 500 * 1.122);
        assertThat(all.quantileMs(0.99)).isBetween(990.0, 1000.0);
        assertThat(all.quantileMs(0.0001)).isBetween(1.0, 1.122);

        LatencyHistogram copy = LatencyHistogram.of(all.buckets(), all.maxMs());
        assertThat(copy.quantileMs(0.9)).isCloseTo(all.quantileMs(0.9), within(1e-9));
        assertThat(new LatencyHistogram().quantileMs(0.5)).isZero();
    }

    @Test
    void sinceAnEarlierCopyHoldsOnlyTheSamplesRecordedAfter() {
        LatencyHistogram h = new LatencyHistogram();
        for (int ms = 1; ms <= 100; ms++) {
            h.record(ms);
        }
        LatencyHistogram earlier = LatencyHistogram.of(h.buckets(), h.maxMs());
        h.record(50);
        h.record(700);

        LatencyHistogram recent = h.since(earlier);

        assertThat(recent.count()).isEqualTo(2);
        assertThat(recent.quantileMs(0.5)).isBetween(50.0, 50 * 1.122);
        assertThat(recent.maxMs()).isEqualTo(700.0);
        assertThat(h.since(h).count()).isZero();
    }
}
