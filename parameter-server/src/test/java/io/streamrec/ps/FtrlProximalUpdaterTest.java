package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FtrlProximalUpdaterTest {

    @Test
    void freshRowKeepsItsInitialWeights() {
        FtrlProximalUpdater ftrl = new FtrlProximalUpdater(0.1, 1.0, 0.0, 0.0);
        float[] w = {0.3f, -0.2f};
        float[] slots = ftrl.initSlots(w);
        // z = -w * (beta / alpha) = -w * 10
        assertThat(slots[0]).isCloseTo(-3.0f, within(1e-6f));
        assertThat(slots[1]).isCloseTo(2.0f, within(1e-6f));
        // a zero gradient leaves the closed-form weight where it started
        ftrl.apply(w, slots, new float[] {0f, 0f}, 0.0);
        assertThat(w[0]).isCloseTo(0.3f, within(1e-6f));
        assertThat(w[1]).isCloseTo(-0.2f, within(1e-6f));
    }

    /** With L1 and L2 the initial slots still give back the initial weights (the docs' formula). */
    @Test
    void freshRowKeepsItsInitialWeightsWithL1AndL2() {
        FtrlProximalUpdater ftrl = new FtrlProximalUpdater(0.1, 1.0, 0.05, 0.01);
        float[] w = {0.3f, -0.2f};
        float[] slots = ftrl.initSlots(w);
        // z = -w * (beta / alpha + l2) - sign(w) * l1 = -0.3 * 10.01 - 0.05, 0.2 * 10.01 + 0.05
        assertThat(slots[0]).isCloseTo(-3.053f, within(1e-5f));
        assertThat(slots[1]).isCloseTo(2.052f, within(1e-5f));
        ftrl.apply(w, slots, new float[] {0f, 0f}, 0.01);
        assertThat(w[0]).isCloseTo(0.3f, within(1e-6f));
        assertThat(w[1]).isCloseTo(-0.2f, within(1e-6f));
    }

    @Test
    void stepMatchesHandComputedValues() {
        FtrlProximalUpdater ftrl = new FtrlProximalUpdater(0.5, 1.0, 0.1, 0.0);
        float[] w = {0f};
        float[] slots = {0f, 0f};
        ftrl.apply(w, slots, new float[] {2.0f}, 0.2);
        // n = 4; sigma = (2 - 0) / 0.5 = 4; z = 0 + 2 - 4 * 0 = 2
        // w = -(2 - 0.1) / ((1 + 2) / 0.5 + 0.2) = -1.9 / 6.2 = -0.306452
        assertThat(slots[0]).isCloseTo(2.0f, within(1e-6f));
        assertThat(slots[1]).isCloseTo(4.0f, within(1e-6f));
        assertThat(w[0]).isCloseTo(-0.30645162f, within(1e-6f));

        ftrl.apply(w, slots, new float[] {-1.0f}, 0.2);
        // n = 5; sigma = (sqrt5 - 2) / 0.5 = 0.472136; z = 2 - 1 - 0.472136 * -0.306452 = 1.144687
        // w = -(1.144687 - 0.1) / ((1 + sqrt5) / 0.5 + 0.2) = -1.044687 / 6.672136 = -0.156575
        assertThat(slots[0]).isCloseTo(1.1446877f, within(1e-5f));
        assertThat(w[0]).isCloseTo(-0.15657441f, within(1e-5f));
    }

    @Test
    void l1ZeroesSmallWeights() {
        FtrlProximalUpdater ftrl = new FtrlProximalUpdater(0.5, 1.0, 1.0, 0.0);
        float[] w = {0f};
        float[] slots = {0f, 0f};
        ftrl.apply(w, slots, new float[] {0.5f}, 0.0);
        // z = 0.5 <= l1 = 1 -> w = 0
        assertThat(w[0]).isEqualTo(0f);
    }
}
