package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdagradUpdaterTest {

    @Test
    void twoStepsMatchHandComputedValues() {
        AdagradUpdater adagrad = new AdagradUpdater(0.1, 0.0, 1e-12);
        float[] w = {1.0f, -2.0f};
        float[] slots = adagrad.initSlots(w);

        adagrad.apply(w, slots, new float[] {0.5f, 0.0f}, 0.0);
        // G = 0.25; w0 = 1 - 0.1 * 0.5 / 0.5 = 0.9; w1 untouched: g = 0 and G = 0, the epsilon
        // keeps 0/0 away
        assertThat(slots[0]).isCloseTo(0.25f, within(1e-7f));
        assertThat(w[0]).isCloseTo(0.9f, within(1e-6f));

        adagrad.apply(w, slots, new float[] {0.5f, 1.0f}, 0.0);
        // G0 = 0.5; w0 = 0.9 - 0.1 * 0.5 / sqrt(0.5) = 0.829289; G1 = 1; w1 = -2 - 0.1 = -2.1
        assertThat(slots[0]).isCloseTo(0.5f, within(1e-7f));
        assertThat(w[0]).isCloseTo(0.8292893f, within(1e-6f));
        assertThat(w[1]).isCloseTo(-2.1f, within(1e-6f));
    }

    @Test
    void l2PullsTowardsZero() {
        AdagradUpdater adagrad = new AdagradUpdater(0.1, 0.1, 1e-8);
        float[] w = {2.0f};
        float[] slots = adagrad.initSlots(w);
        adagrad.apply(w, slots, new float[] {0.0f}, 0.5);
        // g' = 0 + 0.5 * 2 = 1; G = 0.1 + 1 = 1.1; w = 2 - 0.1 * 1 / sqrt(1.1) = 1.904654
        assertThat(slots[0]).isCloseTo(1.1f, within(1e-6f));
        assertThat(w[0]).isCloseTo(1.9046536f, within(1e-6f));
    }

    @Test
    void adaptiveL2RegularisesRareRowsHarder() {
        FrequencyAdaptiveL2 l2 = new FrequencyAdaptiveL2(0.01);
        assertThat(l2.strength(0)).isCloseTo(0.01, within(1e-12));
        assertThat(l2.strength(3)).isCloseTo(0.005, within(1e-12));
        assertThat(l2.strength(99)).isCloseTo(0.001, within(1e-12));
    }
}
