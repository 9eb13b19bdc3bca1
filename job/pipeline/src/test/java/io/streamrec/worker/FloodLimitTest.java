package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The token bucket's arithmetic, and the rates and buckets that would never admit again. */
class FloodLimitTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void aBucketRefillsAtTheRateUpToItsBurst() {
        FloodLimit limit = new FloodLimit(2, 3);
        FloodBucket empty = new FloodBucket(0, 0L);

        assertThat(limit.refilled(empty, HOUR / 2).tokens()).isEqualTo(1.0);
        assertThat(limit.refilled(empty, 10 * HOUR).tokens()).isEqualTo(3.0);
        assertThat(limit.refilled(null, 5L)).isEqualTo(new FloodBucket(3, 5L));
    }

    @Test
    void aRateThatIsNotAFiniteNumberIsRefused() {
        for (double rate : new double[] {Double.POSITIVE_INFINITY, Double.NaN, -1}) {
            assertThatThrownBy(() -> new FloodLimit(rate, 10))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRestoredBucketWhoseTokensAreNotANumberStartsFull() {
        FloodLimit limit = new FloodLimit(2, 3);
        // what a rate of Infinity left in keyed state: 0 * Infinity
        FloodBucket broken = new FloodBucket(Double.NaN, 1_000L);

        FloodBucket refilled = limit.refilled(broken, 1_000L);

        assertThat(refilled.tokens()).isEqualTo(3.0);
        assertThat(refilled.admits()).isTrue();
    }
}
