package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The explicit values' moments, and the clip that keeps one absurd value from flattening them. */
class ItemActivityTest {

    @Test
    void oneAbsurdValueNeitherMovesTheMomentsNorItsItemsMeanFarOnceValuesAreIn() {
        ItemActivity a = new ItemActivity();
        for (int i = 0; i < 1000; i++) {
            a.add(i % 10, 1000L + i, 1 + i % 10); // ratings 1..10: mean 5.5, deviation 2.87
        }
        double deviation = a.valueDeviation();
        a.add(0, 5000L, Float.MAX_VALUE);

        assertThat(a.valued()).isEqualTo(1001);
        // clipped to 5.5 + 5 * 2.87: the moments move by one such rating, not by 3e38
        assertThat(a.meanValue()).isCloseTo(5.5, within(0.02));
        assertThat(a.valueDeviation()).isCloseTo(deviation, within(0.2));
        double clipped = 5.5 + ItemActivity.CLIP_DEVIATIONS * deviation;
        assertThat(a.valueSum(0)).isCloseTo(100 * 1.0 + clipped, within(1e-9));
    }

    @Test
    void ratingsOnTheirOwnScaleEnterAsTheyCame() {
        ItemActivity a = new ItemActivity();
        double sum = 0;
        for (int i = 0; i < 500; i++) {
            float rating = i % 7 == 0 ? 0f : 10f; // the scale's extremes, far from rare
            a.add(i % 3, 1000L + i, rating);
            sum += rating;
        }
        assertThat(a.meanValue()).isEqualTo(sum / 500);
    }

    @Test
    void valuesAllAlikeSoFarStillLetADifferentOneIn() {
        ItemActivity a = new ItemActivity();
        for (int i = 0; i < 200; i++) {
            a.add(0, 1000L + i, 5f); // deviation 0: the clip reaches 1 + |mean| = 6 either side
        }
        a.add(1, 2000L, 1f);
        a.add(2, 2001L, 1000f);

        assertThat(a.valueSum(1)).isEqualTo(1.0);
        assertThat(a.valueSum(2)).isLessThanOrEqualTo(5.0 + 6.1).isGreaterThan(5.0);
    }

    @Test
    void theFirstValuesEnterUnclippedUntilThereAreEnoughToJudgeBy() {
        ItemActivity a = new ItemActivity();
        a.add(0, 1000L, 1e6f);
        assertThat(a.valueSum(0)).isEqualTo(1e6);
        assertThat(ItemActivity.CLIP_AFTER).isEqualTo(100);
    }
}
