package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import org.junit.jupiter.api.Test;

/** Event weights from ratings judged against the running mean and deviation. */
class EventWeightingTest {
    private static UserEvent rated(float value) {
        return new UserEvent("e", "u", "i", EventType.RATING, value, 0L);
    }

    /** Ratings 2, 4, 6, 8: mean 5, sample deviation sqrt(20 / 3) = 2.58. */
    private static EventWeighting seen(EventWeighting.Mode mode) {
        EventWeighting w = new EventWeighting(mode);
        for (float v : new float[] {2f, 4f, 6f, 8f}) {
            w.weigh(rated(v));
        }
        return w;
    }

    @Test
    void uniformWeighsEveryEventOne() {
        EventWeighting w = seen(EventWeighting.Mode.UNIFORM);
        assertThat(w.weigh(rated(0f))).isEqualTo(1f);
        assertThat(w.weigh(rated(10f))).isEqualTo(1f);
    }

    @Test
    void linearIsOnePlusHalfTheZScoreWithinBounds() {
        double deviation = Math.sqrt(20.0 / 3);
        assertThat(seen(EventWeighting.Mode.LINEAR).weigh(rated(6f)))
                .isEqualTo((float) (1 + 0.5 / deviation));
        assertThat(seen(EventWeighting.Mode.LINEAR).weigh(rated(100f))).isEqualTo(1.5f);
        assertThat(seen(EventWeighting.Mode.LINEAR).weigh(rated(-100f))).isEqualTo(0.5f);
    }

    @Test
    void lowRatingsWeighHalfOrNothing() {
        // 2 is 1.16 deviations below 5, 3 only 0.77
        assertThat(seen(EventWeighting.Mode.LOW_HALF).weigh(rated(2f))).isEqualTo(0.5f);
        assertThat(seen(EventWeighting.Mode.LOW_HALF).weigh(rated(3f))).isEqualTo(1f);
        assertThat(seen(EventWeighting.Mode.LOW_SKIP).weigh(rated(2f))).isZero();
    }

    @Test
    void eventsWithoutAValueOrBeforeAnyDeviationWeighOne() {
        EventWeighting w = new EventWeighting(EventWeighting.Mode.LOW_SKIP);
        assertThat(w.weigh(rated(1f))).isEqualTo(1f);
        assertThat(w.weigh(new UserEvent("e", "u", "i", EventType.VIEW, Float.NaN, 0L)))
                .isEqualTo(1f);
        assertThat(w.weigh(rated(9f))).isEqualTo(1f); // one value seen: no deviation yet
        assertThat(w.weigh(rated(1f))).isEqualTo(1f); // mean 5, deviation 5.66: z -0.71
        assertThat(w.weigh(rated(-2f))).isZero(); // mean 3.67, deviation 4.62: z -1.23
    }

    @Test
    void modesParseFromTheirFlagNames() {
        assertThat(EventWeighting.Mode.parse("low-half")).isEqualTo(EventWeighting.Mode.LOW_HALF);
    }
}
