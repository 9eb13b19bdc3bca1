package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecayedCounterTest {
    private static final long HOUR = 3_600_000L;
    private static final HalfLife[] SIX_HOURS_AND_A_DAY = {HalfLife.ofHours(6), HalfLife.ofDays(1)};

    @Test
    void halvesEveryHalfLifeAndAddsAfterDecaying() {
        DecayedCounter c = new DecayedCounter(SIX_HOURS_AND_A_DAY);
        assertThat(c.valueAt(0, 0)).isZero();
        c.add(1, 0);
        c.add(1, 6 * HOUR); // 1 * 2^-1 + 1
        assertThat(c.valueAt(0, 6 * HOUR)).isCloseTo(1.5, within(1e-12));
        assertThat(c.valueAt(0, 12 * HOUR)).isCloseTo(0.75, within(1e-12));
        // one day: 2^(-12/24) + 2^(-6/24)
        assertThat(c.valueAt(1, 12 * HOUR))
                .isCloseTo(Math.pow(2, -0.5) + Math.pow(2, -0.25), within(1e-12));
        assertThat(c.lastUpdate()).isEqualTo(6 * HOUR);
    }

    @Test
    void aLateEventAddsItsWeightDecayedToTheLastUpdate() {
        DecayedCounter inOrder = new DecayedCounter(SIX_HOURS_AND_A_DAY);
        inOrder.add(1, 0);
        inOrder.add(2, 3 * HOUR);
        inOrder.add(1, 9 * HOUR);
        DecayedCounter late = new DecayedCounter(SIX_HOURS_AND_A_DAY);
        late.add(1, 9 * HOUR);
        late.add(2, 3 * HOUR);
        late.add(1, 0);
        // sum_i w_i 2^(-(t - t_i) / h) at t = 10 h, h = 6 h
        double expected =
                Math.pow(2, -10 / 6.0) + 2 * Math.pow(2, -7 / 6.0) + Math.pow(2, -1 / 6.0);
        assertThat(inOrder.valueAt(0, 10 * HOUR)).isCloseTo(expected, within(1e-12));
        assertThat(late.valueAt(0, 10 * HOUR)).isCloseTo(expected, within(1e-12));
        assertThat(late.lastUpdate()).isEqualTo(9 * HOUR);
    }

    @Test
    void anchoredFormOrdersCountsAsTheyAreAtAnyLaterTime() {
        DecayedCounter old = new DecayedCounter(SIX_HOURS_AND_A_DAY);
        old.add(3, 0); // 3 at 0 h: 0.75 at 12 h
        DecayedCounter recent = new DecayedCounter(SIX_HOURS_AND_A_DAY);
        recent.add(1, 10 * HOUR); // 1 at 10 h: 2^(-1/3) = 0.79 at 12 h
        assertThat(recent.anchored(0)).isGreaterThan(old.anchored(0));
        assertThat(recent.valueAt(0, 12 * HOUR)).isGreaterThan(old.valueAt(0, 12 * HOUR));
        // at a day's half-life the old 3 still wins: 3 * 2^(-1/2) = 2.12 vs 2^(-1/12) = 0.94
        assertThat(old.anchored(1)).isGreaterThan(recent.anchored(1));
        HalfLife h = SIX_HOURS_AND_A_DAY[0];
        assertThat(h.valueAt(old.anchored(0), 12 * HOUR)).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void anchoredWeightsAddInLogSpace() {
        HalfLife h = HalfLife.ofDays(7);
        double one = h.anchor(1, 5 * HOUR);
        assertThat(HalfLife.log2Sum(one, one)).isCloseTo(h.anchor(2, 5 * HOUR), within(1e-9));
        assertThat(HalfLife.log2Sum(Double.NEGATIVE_INFINITY, one)).isEqualTo(one);
        double sum = HalfLife.log2Sum(h.anchor(1, 0), h.anchor(1, 168 * HOUR));
        // 1 at 0 and 1 at 7 d, read at 14 d: 1/4 + 1/2
        assertThat(h.valueAt(sum, 336 * HOUR)).isCloseTo(0.75, within(1e-9));
    }
}
