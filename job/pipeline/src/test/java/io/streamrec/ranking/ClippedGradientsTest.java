package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Per-list gradient clipping and DP-SGD noise of the listwise scorer. */
class ClippedGradientsTest {
    private static final int FEATURES = 8;

    /** Clipping that never bites gives the batched pass's step, up to float rounding. */
    @Test
    void anInactiveClipNormTrainsAsTheBatchedPass() {
        Random random = new Random(3);
        try (ListwiseScorer batched = scorer(ScorerSettings.defaults());
                ListwiseScorer clipped = scorer(ScorerSettings.defaults().withClipNorm(1e9))) {
            for (int step = 0; step < 10; step++) {
                List<FeatureList> lists = RandomLists.lists(random, 6, 3, 20, FEATURES);
                int[] targets = RandomLists.targets(random, lists);
                ScorerGradients a = batched.gradients(lists, targets);
                ScorerGradients b = clipped.gradients(lists, targets);
                assertThat(b.loss()).isCloseTo(a.loss(), offset(1e-5));
                assertClose(b.gradient(), a.gradient(), 1e-6f);
                batched.step(a);
                clipped.step(b);
            }
            assertClose(clipped.parameters(), batched.parameters(), 1e-5f);
            assertThat(clipped.clippedLists()).isZero();
            assertThat(clipped.examinedLists()).isEqualTo(60);
            assertThat(batched.examinedLists()).isZero(); // off: no per-list pass at all
        }
    }

    /**
     * One list of gradient norm N, clipped to N / 10: the step is the gradient scaled to N / 10.
     */
    @Test
    void aGradientTenTimesTheClipNormIsScaledDownToIt() {
        Random random = new Random(5);
        List<FeatureList> lists = RandomLists.lists(random, 1, 10, 10, FEATURES);
        int[] targets = RandomLists.targets(random, lists);
        float[] g;
        try (ListwiseScorer plain = scorer(ScorerSettings.defaults())) {
            g = plain.gradients(lists, targets).gradient();
        }
        double norm = ListwiseScorer.norm(g);
        try (ListwiseScorer clipped = scorer(ScorerSettings.defaults().withClipNorm(norm / 10))) {
            float[] c = clipped.gradients(lists, targets).gradient();

            assertThat(ListwiseScorer.norm(c)).isCloseTo(norm / 10, offset(norm * 1e-5));
            assertClose(c, scaled(g, 0.1), (float) (norm * 1e-6));
            assertThat(clipped.clippedLists()).isEqualTo(1);
        }
    }

    /**
     * A list weighted 1,000 times another has a gradient far above the clip norm: it is cut to the
     * norm, the small one passes whole, so the small one's direction is not drowned.
     */
    @Test
    void clippingIsPerListAHugeListDoesNotDrownASmallOne() {
        Random random = new Random(9);
        List<FeatureList> lists = RandomLists.lists(random, 2, 10, 10, FEATURES);
        int[] targets = RandomLists.targets(random, lists);
        float[] huge;
        float[] small;
        try (ListwiseScorer plain = scorer(ScorerSettings.defaults())) {
            huge = weighted(plain, lists.get(0), targets[0], 1000f);
            small = weighted(plain, lists.get(1), targets[1], 1f);
        }
        double clip = ListwiseScorer.norm(small) * 1.5;
        assertThat(ListwiseScorer.norm(huge)).isGreaterThan(100 * clip);
        try (ListwiseScorer clipped = scorer(ScorerSettings.defaults().withClipNorm(clip))) {
            float[] c = clipped.gradients(lists, targets, new float[] {1000f, 1f}).gradient();

            float[] expected = scaled(huge, clip / ListwiseScorer.norm(huge) / 2);
            for (int i = 0; i < expected.length; i++) {
                expected[i] += small[i] / 2f;
            }
            assertClose(c, expected, (float) (clip * 1e-5));
            assertThat(clipped.clippedLists()).isEqualTo(1);
            assertThat(clipped.examinedLists()).isEqualTo(2);
        }
    }

    /**
     * The noise has standard deviation σC on the sum, so σC / 32 on the step; the same seed draws
     * the same noise, another stream other noise.
     */
    @Test
    void noiseIsGaussianOfSigmaTimesClipOverTheExpectedListsAndSeeded() {
        Random random = new Random(13);
        List<FeatureList> lists = RandomLists.lists(random, 4, 5, 10, FEATURES);
        int[] targets = RandomLists.targets(random, lists);
        ScorerSettings dp = ScorerSettings.defaults().withClipNorm(0.5).withNoiseMultiplier(2);
        try (ListwiseScorer clipOnly = scorer(ScorerSettings.defaults().withClipNorm(0.5));
                ListwiseScorer a = scorer(dp);
                ListwiseScorer b = scorer(dp);
                ListwiseScorer c = scorer(dp)) {
            c.setNoiseStream(1);
            float[] clippedMean = clipOnly.gradients(lists, targets).gradient();
            float[] ga = a.gradients(lists, targets).gradient();

            assertThat(b.gradients(lists, targets).gradient()).containsExactly(ga);
            assertThat(c.gradients(lists, targets).gradient()).isNotEqualTo(ga);
            // the signal: the clipped sum over 32; the rest: noise of sd 2 · 0.5 / 32
            double squares = 0;
            for (int i = 0; i < ga.length; i++) {
                double noise = ga[i] - clippedMean[i] * lists.size() / 32.0;
                squares += noise * noise;
            }
            double sd = Math.sqrt(squares / ga.length);
            assertThat(sd).isCloseTo(1.0 / ListwiseScorer.DP_EXPECTED_LISTS, offset(0.003));
            assertThat(a.noisyBatches()).isEqualTo(1);
        }
    }

    /** A restored scorer draws the noise the failed one would have drawn next. */
    @Test
    void aRestoredScorerContinuesTheNoiseSequence() throws IOException {
        Random random = new Random(17);
        ScorerSettings dp = ScorerSettings.defaults().withClipNorm(1).withNoiseMultiplier(1);
        try (ListwiseScorer original = scorer(dp);
                ListwiseScorer restored = scorer(dp)) {
            List<FeatureList> first = RandomLists.lists(random, 4, 5, 10, FEATURES);
            original.step(original.gradients(first, RandomLists.targets(random, first)));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            original.writeTo(new DataOutputStream(bytes));
            restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

            List<FeatureList> second = RandomLists.lists(random, 4, 5, 10, FEATURES);
            int[] targets = RandomLists.targets(random, second);
            assertThat(restored.gradients(second, targets).gradient())
                    .containsExactly(original.gradients(second, targets).gradient());
            assertThat(restored.noisyBatches()).isEqualTo(2);
        }
    }

    @Test
    void noiseNeedsAFiniteClipNorm() {
        assertThatThrownBy(() -> scorer(ScorerSettings.defaults().withNoiseMultiplier(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clip norm");
        assertThatThrownBy(() -> ScorerSettings.defaults().withClipNorm(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] weighted(
            ListwiseScorer scorer, FeatureList list, int target, float weight) {
        return scorer.gradients(List.of(list), new int[] {target}, new float[] {weight}).gradient();
    }

    private static float[] scaled(float[] g, double factor) {
        float[] s = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            s[i] = (float) (g[i] * factor);
        }
        return s;
    }

    private static void assertClose(float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("entry %d", i).isCloseTo(expected[i], offset(tolerance));
        }
    }

    private static ListwiseScorer scorer(ScorerSettings settings) {
        return new ListwiseScorer(FEATURES, settings, Device.cpu());
    }
}
