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

    /**
     * A batch is admitted while the bucket holds a token and takes its whole cost: past the bucket
     * it leaves a debt, which refuses the next batch as well as a single request until it is paid
     * off, so two batches cannot both pass on the same tokens.
     */
    @Test
    void anAdmittedBatchPastTheBucketIsADebtPaidOffAtTheRate() {
        RateLimiter limiter = new RateLimiter(10.0, 5, 100);
        assertThat(limiter.acquire("c", 0)).isZero(); // 4 left

        assertThat(limiter.admit("c", 9, 0)).isZero(); // 4 - 9 = -5

        assertThat(limiter.admit("c", 9, 0)).as("6 tokens short at 10/s").isEqualTo(600);
        assertThat(limiter.acquire("c", 0)).isEqualTo(600);
        assertThat(limiter.acquire("c", 599)).isPositive();
        assertThat(limiter.acquire("c", 600)).isZero();
    }

    /**
     * The rest of a request's cost, after the token taken when it was let in, is admitted while the
     * bucket is out of debt: a batch then leaves one, and a second batch let in on its own token at
     * the same time is refused its rest.
     */
    @Test
    void theRestOfACostIsAdmittedWhileTheKeyHasNoDebt() {
        RateLimiter limiter = new RateLimiter(10.0, 2, 100);
        assertThat(limiter.acquire("c", 0)).isZero(); // two batches let in: 0 left
        assertThat(limiter.acquire("c", 0)).isZero();

        assertThat(limiter.admitRest("c", 7, 0)).isZero(); // 0 - 7 = -7
        assertThat(limiter.admitRest("c", 7, 0)).as("7 tokens short at 10/s").isEqualTo(700);
        assertThat(limiter.acquire("c", 0)).isEqualTo(800);
    }
}
