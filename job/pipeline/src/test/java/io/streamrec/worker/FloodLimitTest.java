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

    /**
     * A late event refills nothing, so the same events decide differently in another arrival order:
     * the per-user limit behind the item flood guard (a keyBy(item) stage that hands a user's
     * events on from several subtasks) meets them in no fixed order.
     */
    @Test
    void theSameEventsInAnotherArrivalOrderCanDecideDifferently() {
        FloodLimit limit = new FloodLimit(1, 1);

        assertThat(admitted(limit, 0, HOUR, 2 * HOUR)).isEqualTo(3);
        // 2h first takes the bucket's one token (capped at the burst); 1h is late then
        assertThat(admitted(limit, 0, 2 * HOUR, HOUR)).isEqualTo(2);
    }

    private static int admitted(FloodLimit limit, long... times) {
        FloodBucket bucket = null;
        int admitted = 0;
        for (long t : times) {
            bucket = limit.refilled(bucket, t);
            admitted += bucket.admits() ? 1 : 0;
            bucket = bucket.afterEvent();
        }
        return admitted;
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
