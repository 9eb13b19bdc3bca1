package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void aKeyMayBurstThenWaitsForTheNextToken() {
        RateLimiter limiter = new RateLimiter(2.0, 3, 100);

        assertThat(limiter.acquire("u", 0)).isZero();
        assertThat(limiter.acquire("u", 0)).isZero();
        assertThat(limiter.acquire("u", 0)).isZero();
        assertThat(limiter.acquire("u", 0)).isEqualTo(500); // 2 tokens/s: the next in 500 ms
        assertThat(limiter.acquire("u", 499)).isBetween(1L, 2L); // 1 ms, give or take rounding
        assertThat(limiter.acquire("u", 500)).isZero();
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        RateLimiter limiter = new RateLimiter(1.0, 1, 100);

        assertThat(limiter.acquire("a", 0)).isZero();
        assertThat(limiter.acquire("a", 0)).isPositive();
        assertThat(limiter.acquire("b", 0)).isZero();
    }

    @Test
    void theLeastRecentlySeenKeyIsDroppedPastTheBoundAndStartsFull() {
        RateLimiter limiter = new RateLimiter(1.0, 1, 2);
        limiter.acquire("a", 0);
        limiter.acquire("b", 0);
        limiter.acquire("a", 0); // a seen after b

        limiter.acquire("c", 0);

        assertThat(limiter.keys()).isEqualTo(2);
        assertThat(limiter.acquire("a", 0)).as("a kept, bucket empty").isPositive();
        assertThat(limiter.acquire("b", 0)).as("b dropped, starts full").isZero();
    }

    /** A batch charged past the bucket leaves a debt: the key waits until it is paid off. */
    @Test
    void aChargePastTheBucketIsADebtPaidOffAtTheRate() {
        RateLimiter limiter = new RateLimiter(10.0, 5, 100);
        assertThat(limiter.acquire("c", 0)).isZero(); // 4 left

        limiter.charge("c", 9, 0); // 4 - 9 = -5

        assertThat(limiter.acquire("c", 0)).as("6 tokens short at 10/s").isEqualTo(600);
        assertThat(limiter.acquire("c", 599)).isPositive();
        assertThat(limiter.acquire("c", 600)).isZero();
    }
}
