package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserRateLimiterTest {

    @Test
    void aUserMayBurstThenWaitsForTheNextToken() {
        UserRateLimiter limiter = new UserRateLimiter(2.0, 3, 100);

        assertThat(limiter.acquire("u", 0)).isZero();
        assertThat(limiter.acquire("u", 0)).isZero();
        assertThat(limiter.acquire("u", 0)).isZero();
        assertThat(limiter.acquire("u", 0)).isEqualTo(500); // 2 tokens/s: the next in 500 ms
        assertThat(limiter.acquire("u", 499)).isBetween(1L, 2L); // 1 ms, give or take rounding
        assertThat(limiter.acquire("u", 500)).isZero();
    }

    @Test
    void usersHaveTheirOwnBuckets() {
        UserRateLimiter limiter = new UserRateLimiter(1.0, 1, 100);

        assertThat(limiter.acquire("a", 0)).isZero();
        assertThat(limiter.acquire("a", 0)).isPositive();
        assertThat(limiter.acquire("b", 0)).isZero();
    }

    @Test
    void theLeastRecentlySeenUserIsDroppedPastTheBoundAndStartsFull() {
        UserRateLimiter limiter = new UserRateLimiter(1.0, 1, 2);
        limiter.acquire("a", 0);
        limiter.acquire("b", 0);
        limiter.acquire("a", 0); // a seen after b

        limiter.acquire("c", 0);

        assertThat(limiter.users()).isEqualTo(2);
        assertThat(limiter.acquire("a", 0)).as("a kept, bucket empty").isPositive();
        assertThat(limiter.acquire("b", 0)).as("b dropped, starts full").isZero();
    }
}
