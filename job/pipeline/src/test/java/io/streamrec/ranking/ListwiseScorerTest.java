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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Training, serving and snapshots of the listwise scorer. */
class ListwiseScorerTest {
    private static final int FEATURES = 12;

    @Test
    void trainingOnAPlantedProblemDrivesLossDownAndTopOneAccuracyUp() {
        PlantedRanking planted = new PlantedRanking(FEATURES, 1);
        List<FeatureList> heldOut = planted.lists(400, 20, 40);
        int[] heldOutTargets = planted.targets(heldOut);
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults())) {
            double accuracyBefore = PlantedRanking.topOneAccuracy(scorer, heldOut, heldOutTargets);
            double lossBefore = scorer.loss(heldOut, heldOutTargets, ones(heldOut.size()));
            for (int step = 0; step < 300; step++) {
                List<FeatureList> lists = planted.lists(16, 20, 40);
                scorer.step(scorer.gradients(lists, planted.targets(lists)));
            }
            double accuracyAfter = PlantedRanking.topOneAccuracy(scorer, heldOut, heldOutTargets);
            double lossAfter = scorer.loss(heldOut, heldOutTargets, ones(heldOut.size()));

            assertThat(accuracyBefore).isLessThan(0.1); // about 1 in 30 by chance
            assertThat(accuracyAfter).isGreaterThan(0.85);
            assertThat(lossAfter).isLessThan(lossBefore / 5);
            // new users follow another hidden function: only the context gates can learn both
            assertThat(accuracyOf(scorer, heldOut, heldOutTargets, true)).isGreaterThan(0.7);
            assertThat(accuracyOf(scorer, heldOut, heldOutTargets, false)).isGreaterThan(0.85);
        }
    }

    @Test
    void aGradientThatIsNotANumberIsNotStepped() {
        PlantedRanking planted = new PlantedRanking(FEATURES, 1);
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults())) {
            List<FeatureList> lists = planted.lists(4, 20, 40);
            int[] targets = planted.targets(lists);
            lists.get(2).values()[5] = Float.NaN;
            float[] before = scorer.parameters().clone();

            assertThat(scorer.step(scorer.gradients(lists, targets))).isFalse();
            assertThat(scorer.parameters()).containsExactly(before);
            assertThat(scorer.scores(lists.get(0))).doesNotContain(Float.NaN);
            lists.get(2).values()[5] = 0f;
            assertThat(scorer.step(scorer.gradients(lists, targets))).isTrue();
            assertThat(scorer.parameters()).isNotEqualTo(before).doesNotContain(Float.NaN);
            assertThat(scorer.skippedSteps()).isEqualTo(1);
        }
    }

    /**
     * A finite gradient so large that its squared sum passes the float range would leave an
     * accumulator that never moves its weight again: that step is skipped as a NaN one is.
     */
    @Test
    void aGradientThatWouldOverflowTheSumsIsNotStepped() {
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults())) {
            float[] before = scorer.parameters().clone();
            float[] huge = new float[before.length];
            huge[0] = 1e30f;

            assertThat(scorer.step(new ScorerGradients(1, huge, 1))).isFalse();

            assertThat(scorer.parameters()).containsExactly(before);
            assertThat(scorer.skippedSteps()).isEqualTo(1);
        }
    }

    @Test
    void aLearningRateThatIsNotAPositiveNumberIsRefused() {
        for (double rate : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.05, 0}) {
            assertThatThrownBy(() -> ScorerSettings.defaults().withLearningRate(rate))
                    .as("rate %s", rate)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("learning rate");
        }
    }

    @Test
    void theSameSeedGivesTheSameScorerAndWStartsNeutral() {
        try (ListwiseScorer a = scorer(ScorerSettings.defaults());
                ListwiseScorer b = scorer(ScorerSettings.defaults());
                ListwiseScorer c = scorer(ScorerSettings.defaults().withSeed(43))) {
            assertThat(a.parameters()).containsExactly(b.parameters());
            assertThat(a.parameters()).isNotEqualTo(c.parameters());
            ScorerLayout layout = a.layout();
            float[] p = a.parameters();
            for (int i = layout.wOffset(); i < layout.hOffset(); i++) {
                assertThat(p[i]).isZero();
            }
            for (int i = layout.uOffset(); i < layout.size(); i++) {
                assertThat(Math.abs(p[i])).isLessThan(0.05f);
            }
            assertThat(a.accumulators()).containsOnly(0.1f);
        }
    }

    /**
     * A scorer whose settings switch the hidden layer and the gating off (an ablation) holds those
     * parameters at zero even when it restores a snapshot of a scorer that had them: a restore that
     * kept them would score with a layer the settings turned off.
     */
    @Test
    void aRestoreKeepsTheSlotsTheSettingsSwitchOffAtZero() throws IOException {
        PlantedRanking planted = new PlantedRanking(FEATURES, 2);
        ScorerSettings ablation =
                ScorerSettings.defaults().withHiddenLayer(false).withContextGating(false);
        try (ListwiseScorer trained = scorer(ScorerSettings.defaults());
                ListwiseScorer restored = scorer(ablation)) {
            for (int step = 0; step < 5; step++) {
                List<FeatureList> lists = planted.lists(8, 5, 30);
                trained.step(trained.gradients(lists, planted.targets(lists)));
            }
            restored.readFrom(input(snapshot(trained)));
            ScorerLayout layout = restored.layout();
            float[] p = restored.parameters();
            float[] scoring = restored.scoringWeights();
            for (int i = layout.wOffset() + layout.features(); i < layout.size(); i++) {
                assertThat(p[i]).as("parameter %d", i).isZero();
                assertThat(scoring[i]).as("scoring weight %d", i).isZero();
            }
            List<FeatureList> lists = planted.lists(8, 5, 30);
            restored.step(restored.gradients(lists, planted.targets(lists)));
            p = restored.parameters();
            for (int i = layout.wOffset() + layout.features(); i < layout.size(); i++) {
                assertThat(p[i]).as("parameter %d after a step", i).isZero();
            }
        }
    }

    @Test
    void snapshotThenRestoreGivesIdenticalScoresAndTraining() throws IOException {
        PlantedRanking planted = new PlantedRanking(FEATURES, 2);
        try (ListwiseScorer trained = scorer(ScorerSettings.defaults());
                ListwiseScorer restored = scorer(ScorerSettings.defaults().withSeed(99))) {
            for (int step = 0; step < 20; step++) {
                List<FeatureList> lists = planted.lists(8, 5, 30);
                trained.step(trained.gradients(lists, planted.targets(lists)));
            }
            restored.readFrom(input(snapshot(trained)));

            assertThat(restored.parameters()).containsExactly(trained.parameters());
            assertThat(restored.accumulators()).containsExactly(trained.accumulators());
            assertThat(restored.scoringWeights())
                    .containsExactly(trained.scoringWeights())
                    .isNotEqualTo(trained.parameters());
            for (FeatureList list : planted.lists(10, 1, 50)) {
                assertThat(restored.scores(list)).containsExactly(trained.scores(list));
            }
            // the accumulators came back too: the next step is the same on both
            List<FeatureList> lists = planted.lists(8, 5, 30);
            int[] targets = planted.targets(lists);
            trained.step(trained.gradients(lists, targets));
            restored.step(restored.gradients(lists, targets));
            assertThat(restored.parameters()).containsExactly(trained.parameters());
        }
    }

    @Test
    void aSnapshotOfAnotherVersionOrOfMoreFeaturesIsRejected() throws IOException {
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults());
                ListwiseScorer narrower =
                        new ListwiseScorer(FEATURES - 1, ScorerSettings.defaults(), Device.cpu())) {
            byte[] bytes = snapshot(scorer);
            byte[] future = bytes.clone();
            future[0] = (byte) (ListwiseScorer.SNAPSHOT_VERSION + 1);

            assertThatThrownBy(() -> scorer.readFrom(input(future)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("version");
            assertThatThrownBy(() -> narrower.readFrom(input(bytes)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("12 features");
            // then the untrained item interaction: version, dimension and no item
            // and no average (the scorer never stepped)
            assertThat(bytes)
                    .hasSize(1 + 4 + 4 + 2 * 4 * scorer.layout().size() + 8 + 1 + 4 + 4 + 1);
            ScorerLayout wider = new ScorerLayout(FEATURES, ScorerLayout.HIDDEN + 4);
            float[] zeros = new float[wider.size()];
            byte[] moreUnits = snapshotOf(wider, zeros, zeros, 0L);
            assertThatThrownBy(() -> scorer.readFrom(input(moreUnits)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining((ScorerLayout.HIDDEN + 4) + " hidden units");
        }
    }

    /** A snapshot holding a weight that is not a number restores as a fresh scorer. */
    @Test
    void aSnapshotWhoseWeightsAreNotAllNumbersRestoresFresh() throws IOException {
        try (ListwiseScorer fresh = scorer(FEATURES);
                ListwiseScorer restored = scorer(FEATURES)) {
            ScorerLayout layout = fresh.layout();
            float[] p = new float[layout.size()];
            float[] a = new float[layout.size()];
            java.util.Arrays.fill(p, 0.25f);
            java.util.Arrays.fill(a, 1f);
            p[7] = Float.NaN;
            restored.readFrom(input(snapshotOf(layout, p, a, 0L)));

            assertThat(restored.parameters()).containsExactly(fresh.parameters());
            assertThat(restored.accumulators()).containsExactly(fresh.accumulators());
            p[7] = 0.25f;
            restored.readFrom(input(snapshotOf(layout, p, a, 0L)));
            assertThat(restored.parameters()).containsOnly(0.25f);
        }
    }

    /**
     * A snapshot of 16 hidden units (before the layer had 32) and fewer features fills the first
     * units and columns, accumulators too; the other units and columns keep what a fresh scorer of
     * the same seed starts with.
     */
    @Test
    void aSnapshotOfFewerHiddenUnitsRestoresIntoTheFirstUnits() throws IOException {
        ScorerLayout old = new ScorerLayout(FEATURES, ScorerLayout.HIDDEN_BEFORE_32);
        Random random = new Random(3);
        float[] p = new float[old.size()];
        float[] a = new float[old.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) random.nextGaussian();
            a[i] = 0.1f + random.nextFloat();
        }
        try (ListwiseScorer fresh = scorer(FEATURES + 3);
                ListwiseScorer restored = scorer(FEATURES + 3)) {
            restored.readFrom(input(snapshotOf(old, p, a, 7L)));

            ScorerLayout now = restored.layout();
            assertThat(now.hidden()).isEqualTo(2 * old.hidden());
            int[] at = ListwiseScorer.positions(old, now);
            // unit h's H row (features, then context), b and u land on unit h's
            int lastOld = old.hidden() - 1;
            assertThat(at[old.hOffset() + lastOld * old.hiddenInputs() + FEATURES])
                    .isEqualTo(now.hOffset() + lastOld * now.hiddenInputs() + FEATURES + 3);
            assertThat(at[old.bOffset() + lastOld]).isEqualTo(now.bOffset() + lastOld);
            assertThat(at[old.uOffset() + lastOld]).isEqualTo(now.uOffset() + lastOld);
            float[] expectedP = fresh.parameters();
            float[] expectedA = fresh.accumulators();
            for (int i = 0; i < at.length; i++) {
                expectedP[at[i]] = p[i];
                expectedA[at[i]] = a[i];
            }
            assertThat(restored.parameters()).containsExactly(expectedP);
            assertThat(restored.accumulators()).containsExactly(expectedA);
            assertThat(restored.noisyBatches()).isEqualTo(7L);
            // the new units start as a fresh scorer's: random H, small u, so they add a little
            for (FeatureList list : new PlantedRanking(FEATURES, 4).lists(5, 1, 40)) {
                assertRestoredScores(old, p, restored, list);
            }
        }
    }

    /**
     * {@code restored}'s scores of {@code list} padded with zero columns: the snapshot's (its
     * layout {@code old}, parameters {@code p}) plus the term of the units it did not have.
     */
    static void assertRestoredScores(
            ScorerLayout old, float[] p, ListwiseScorer restored, FeatureList list) {
        int extra = restored.layout().features() - old.features();
        FeatureList wide = padded(list, extra);
        double[] expected = ScorerForward.scores(old, p, list);
        float[] actual = restored.scores(wide);
        float[] q = restored.parameters();
        ScorerLayout now = restored.layout();
        for (int c = 0; c < expected.length; c++) {
            double newUnits = 0;
            for (int h = old.hidden(); h < now.hidden(); h++) {
                int row = now.hOffset() + h * now.hiddenInputs();
                double pre = q[now.bOffset() + h];
                for (int i = 0; i < now.features(); i++) {
                    pre += q[row + i] * wide.values()[c * now.features() + i];
                }
                for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
                    pre += q[row + now.features() + g] * wide.context()[g];
                }
                newUnits += q[now.uOffset() + h] * Math.max(pre, 0);
            }
            assertThat(newUnits).isNotZero();
            assertThat((double) actual[c]).isCloseTo(expected[c] + newUnits, offset(1e-4));
        }
    }

    private static ListwiseScorer scorer(int features) {
        return new ListwiseScorer(features, ScorerSettings.defaults(), Device.cpu());
    }

    /** The bytes {@link ListwiseScorer#writeTo} writes, for a layout no live scorer has. */
    private static byte[] snapshotOf(ScorerLayout layout, float[] p, float[] a, long noisy)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(ListwiseScorer.SNAPSHOT_VERSION);
        out.writeInt(layout.features());
        out.writeInt(layout.hidden());
        for (float v : p) {
            out.writeFloat(v);
        }
        for (float v : a) {
            out.writeFloat(v);
        }
        out.writeLong(noisy);
        new ItemInteraction(ItemInteraction.Settings.off()).writeTo(out);
        out.writeBoolean(false); // no average: a scorer that never stepped
        return bytes.toByteArray();
    }

    /**
     * The item interaction's vectors travel with the scorer (version 3); a version 2 snapshot, from
     * before them, restores the scorer with fresh vectors.
     */
    /** Clipping bounds each list's influence; per-item vectors would learn from it unclipped. */
    @Test
    void aScorerThatClipsKeepsTheItemInteractionOff() {
        ScorerSettings clipping = ScorerSettings.defaults().withClipNorm(1.0);
        try (ListwiseScorer plain =
                        new ListwiseScorer(FEATURES, ScorerSettings.defaults(), Device.cpu());
                ListwiseScorer clipped = new ListwiseScorer(FEATURES, clipping, Device.cpu())) {
            assertThat(plain.itemInteraction().on()).isTrue();
            assertThat(clipped.itemInteraction().on()).isFalse();
            assertThat(
                            clipped.withItemInteraction(ItemInteraction.Settings.defaults(1L))
                                    .itemInteraction()
                                    .on())
                    .isFalse();
        }
    }

    @Test
    void theItemVectorsTravelInTheSnapshotAndStartFreshFromVersionTwo() throws IOException {
        Random random = new Random(5);
        List<FeatureList> lists = RandomLists.lists(random, 4, 3, 6, FEATURES);
        int[] targets = RandomLists.targets(random, lists);
        float[] w = ones(lists.size());
        List<String> items = List.of("a", "b", "c", "d", "e", "f");
        try (ListwiseScorer trained = scorer(ScorerSettings.defaults());
                ListwiseScorer restored = scorer(ScorerSettings.defaults());
                ListwiseScorer old = scorer(ScorerSettings.defaults())) {
            ItemInteraction terms = trained.itemInteraction();
            assertThat(terms.on()).isTrue();
            List<ItemInteraction.Example> examples = new ArrayList<>();
            float[][] offsets = new float[lists.size()][];
            for (int i = 0; i < lists.size(); i++) {
                examples.add(
                        terms.example(
                                items.subList(0, lists.get(i).candidates()), List.of("h" + i)));
                offsets[i] = terms.terms(examples.get(i));
            }
            float[][] probabilities = new float[lists.size()][];
            trained.step(trained.gradients(lists, targets, w, offsets, probabilities));
            terms.step(examples, probabilities, targets, w);

            byte[] bytes = snapshot(trained);
            restored.readFrom(input(bytes));
            assertThat(restored.itemInteraction().vector("a")).containsExactly(terms.vector("a"));
            assertThat(snapshot(restored)).isEqualTo(bytes);

            // version 2: the same bytes up to the noisy-batch count, without the vectors
            byte[] v2 = java.util.Arrays.copyOf(bytes, 1 + 8 + 2 * 4 * trained.layout().size() + 8);
            v2[0] = 2;
            old.itemInteraction().example(List.of("z"), List.of());
            DataInputStream in = input(v2);
            old.readFrom(in);
            assertThat(in.available()).isZero();
            assertThat(old.parameters()).containsExactly(trained.parameters());
            assertThat(old.itemInteraction().size()).isZero();
        }
    }

    /**
     * With offsets the DJL pass's softmax (the probabilities it returns, and so the loss and
     * gradient) is over the scores plus the offsets.
     */
    @Test
    void offsetsShiftTheSoftmaxTheGradientIsTakenAt() {
        Random random = new Random(9);
        List<FeatureList> lists = RandomLists.lists(random, 3, 4, 7, FEATURES);
        int[] targets = RandomLists.targets(random, lists);
        float[] w = ones(lists.size());
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults())) {
            float[][] offsets = new float[lists.size()][];
            for (int i = 0; i < lists.size(); i++) {
                offsets[i] = new float[lists.get(i).candidates()];
                for (int c = 0; c < offsets[i].length; c++) {
                    offsets[i][c] = (float) random.nextGaussian();
                }
            }
            float[][] probabilities = new float[lists.size()][];
            ScorerGradients shifted = scorer.gradients(lists, targets, w, offsets, probabilities);
            ScorerGradients plain = scorer.gradients(lists, targets, w);
            for (int i = 0; i < lists.size(); i++) {
                float[] s = scorer.scores(lists.get(i));
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < s.length; c++) {
                    max = Math.max(max, s[c] + offsets[i][c]);
                }
                double sum = 0;
                for (int c = 0; c < s.length; c++) {
                    sum += Math.exp(s[c] + offsets[i][c] - max);
                }
                assertThat(probabilities[i]).hasSize(s.length);
                for (int c = 0; c < s.length; c++) {
                    double p = Math.exp(s[c] + offsets[i][c] - max) / sum;
                    assertThat((double) probabilities[i][c]).isCloseTo(p, offset(1e-5));
                }
            }
            assertThat(shifted.gradient()).isNotEqualTo(plain.gradient());
            assertThat(shifted.loss()).isNotEqualTo(plain.loss());
        }
    }

    /** Version 1 (before DP-SGD) had no count of noisy batches after the arrays. */
    @Test
    void aVersionOneSnapshotStillRestores() throws IOException {
        PlantedRanking planted = new PlantedRanking(FEATURES, 2);
        try (ListwiseScorer trained = scorer(ScorerSettings.defaults());
                ListwiseScorer restored = scorer(ScorerSettings.defaults().withSeed(99))) {
            List<FeatureList> lists = planted.lists(8, 5, 30);
            trained.step(trained.gradients(lists, planted.targets(lists)));
            byte[] current = snapshot(trained);
            byte[] v1 = java.util.Arrays.copyOf(current, current.length - 8);
            v1[0] = 1;

            restored.readFrom(input(v1));

            assertThat(restored.parameters()).containsExactly(trained.parameters());
            assertThat(restored.noisyBatches()).isZero();
        }
    }

    /**
     * Scores are computed with an exponential average of the parameters after each step: the
     * parameters themselves before the first step and right after it, then {@code 0.9 average + 0.1
     * parameters} at each step; training goes on from the parameters.
     */
    @Test
    void scoresUseTheAverageOfTheParametersAfterEachStep() {
        PlantedRanking planted = new PlantedRanking(FEATURES, 3);
        assertThat(ListwiseScorer.AVERAGE_DECAY).isEqualTo(0.9f);
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults())) {
            assertThat(scorer.scoringWeights()).containsExactly(scorer.parameters());
            List<FeatureList> lists = planted.lists(8, 5, 30);
            scorer.step(scorer.gradients(lists, planted.targets(lists)));
            float[] first = scorer.parameters();
            assertThat(scorer.scoringWeights()).containsExactly(first);

            lists = planted.lists(8, 5, 30);
            scorer.step(scorer.gradients(lists, planted.targets(lists)));
            float[] second = scorer.parameters();
            float[] expected = new float[first.length];
            for (int i = 0; i < expected.length; i++) {
                float d = ListwiseScorer.AVERAGE_DECAY;
                expected[i] = d * first[i] + (1f - d) * second[i];
            }
            assertThat(scorer.scoringWeights()).containsExactly(expected);
            assertThat(second).isNotEqualTo(expected);
            for (FeatureList list : planted.lists(5, 1, 20)) {
                double[] byAverage = ScorerForward.scores(scorer.layout(), expected, list);
                float[] actual = scorer.scores(list);
                for (int c = 0; c < actual.length; c++) {
                    assertThat((double) actual[c]).isCloseTo(byAverage[c], offset(1e-4));
                }
            }
        }
    }

    /**
     * The average of a narrower scorer's snapshot fills the first columns, as its parameters do.
     */
    @Test
    void theAverageOfAnarrowerSnapshotRestoresIntoTheFirstColumns() throws IOException {
        PlantedRanking planted = new PlantedRanking(FEATURES - 2, 6);
        try (ListwiseScorer narrow = scorer(FEATURES - 2);
                ListwiseScorer wider = scorer(FEATURES)) {
            for (int step = 0; step < 3; step++) {
                List<FeatureList> lists = planted.lists(8, 5, 30);
                narrow.step(narrow.gradients(lists, planted.targets(lists)));
            }
            wider.readFrom(input(snapshot(narrow)));

            int[] at = ListwiseScorer.positions(narrow.layout(), wider.layout());
            float[] expected = wider.parameters(); // appended columns: as the parameters
            float[] average = narrow.scoringWeights();
            for (int i = 0; i < at.length; i++) {
                expected[at[i]] = average[i];
            }
            assertThat(wider.scoringWeights()).containsExactly(expected);
            assertThat(average).isNotEqualTo(narrow.parameters());
        }
    }

    /** A snapshot from before features were appended (the text features) fills the first ones. */
    @Test
    void aSnapshotOfFewerFeaturesRestoresIntoTheFirstColumns() throws IOException {
        PlantedRanking planted = new PlantedRanking(FEATURES, 2);
        try (ListwiseScorer trained = scorer(ScorerSettings.defaults());
                ListwiseScorer wider =
                        new ListwiseScorer(FEATURES + 3, ScorerSettings.defaults(), Device.cpu())) {
            for (int step = 0; step < 20; step++) {
                List<FeatureList> lists = planted.lists(8, 5, 30);
                trained.step(trained.gradients(lists, planted.targets(lists)));
            }
            float[] appendedBefore = appendedW(wider);
            wider.readFrom(input(snapshot(trained)));

            for (FeatureList list : planted.lists(10, 1, 50)) {
                float[] expected = trained.scores(list);
                float[] actual = wider.scores(padded(list, 3));
                for (int c = 0; c < expected.length; c++) {
                    assertThat(actual[c]).isCloseTo(expected[c], offset(1e-6f));
                }
            }
            assertThat(appendedW(wider)).containsExactly(appendedBefore);
            int[] at = ListwiseScorer.positions(trained.layout(), wider.layout());
            for (int i = 0; i < at.length; i++) {
                assertThat(wider.accumulators()[at[i]]).isEqualTo(trained.accumulators()[i]);
            }
        }
    }

    /** W's entries of the appended columns. */
    private static float[] appendedW(ListwiseScorer scorer) {
        int f = scorer.layout().features();
        float[] out = new float[3 * ScorerLayout.CONTEXT];
        for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
            for (int k = 0; k < 3; k++) {
                out[g * 3 + k] = scorer.parameters()[g * f + f - 3 + k];
            }
        }
        return out;
    }

    static FeatureList padded(FeatureList list, int extra) {
        int f = list.features();
        float[] values = new float[list.candidates() * (f + extra)];
        for (int c = 0; c < list.candidates(); c++) {
            System.arraycopy(list.values(), c * f, values, c * (f + extra), f);
        }
        return new FeatureList(list.candidates(), f + extra, values, list.context().clone());
    }

    @Test
    void batchedDjlScoresAgreeWithTheJavaScores() {
        Random random = new Random(6);
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults())) {
            List<FeatureList> lists = RandomLists.lists(random, 6, 1, 40, FEATURES);
            scorer.step(scorer.gradients(lists, RandomLists.targets(random, lists)));

            float[][] batched = scorer.batchScores(lists);

            for (int i = 0; i < lists.size(); i++) {
                float[] single = scorer.scores(lists.get(i));
                assertThat(batched[i]).hasSize(lists.get(i).candidates());
                for (int c = 0; c < single.length; c++) {
                    assertThat(batched[i][c]).isCloseTo(single[c], offset(1e-4f));
                }
            }
        }
    }

    @Test
    void malformedInputIsRejected() {
        Random random = new Random(8);
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults())) {
            FeatureList list = RandomLists.list(random, 5, FEATURES);
            FeatureList narrow = RandomLists.list(random, 5, FEATURES - 1);

            assertThatThrownBy(() -> scorer.gradients(List.of(list), new int[] {5}))
                    .hasMessageContaining("target 5");
            assertThatThrownBy(() -> scorer.scores(narrow)).hasMessageContaining("11 features");
            assertThatThrownBy(() -> scorer.step(new ScorerGradients(0, new float[3], 1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> scorer.gradients(List.of(), new int[0]))
                    .hasMessageContaining("no lists");
        }
    }

    private static ListwiseScorer scorer(ScorerSettings settings) {
        return new ListwiseScorer(FEATURES, settings, Device.cpu());
    }

    @Test
    void withoutTheHiddenLayerItsParametersStayZeroWhileWLearns() {
        PlantedRanking planted = new PlantedRanking(FEATURES, 1);
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults().withHiddenLayer(false))) {
            ScorerLayout layout = scorer.layout();
            for (int step = 0; step < 20; step++) {
                List<FeatureList> lists = planted.lists(16, 20, 40);
                scorer.step(scorer.gradients(lists, planted.targets(lists)));
            }
            float[] p = scorer.parameters();
            for (int i = layout.hOffset(); i < layout.size(); i++) {
                assertThat(p[i]).isZero();
            }
            assertThat(nonZero(p, layout.wOffset(), layout.hOffset())).isPositive();
        }
    }

    @Test
    void withoutContextGatingOnlyTheUngatedRowOfWLearns() {
        PlantedRanking planted = new PlantedRanking(FEATURES, 1);
        try (ListwiseScorer scorer = scorer(ScorerSettings.defaults().withContextGating(false))) {
            ScorerLayout layout = scorer.layout();
            for (int step = 0; step < 20; step++) {
                List<FeatureList> lists = planted.lists(16, 20, 40);
                scorer.step(scorer.gradients(lists, planted.targets(lists)));
            }
            float[] p = scorer.parameters();
            assertThat(nonZero(p, layout.wOffset() + FEATURES, layout.hOffset())).isZero();
            assertThat(nonZero(p, layout.wOffset(), layout.wOffset() + FEATURES)).isPositive();
            assertThat(nonZero(p, layout.hOffset(), layout.size())).isPositive();
        }
    }

    private static int nonZero(float[] p, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += p[i] != 0f ? 1 : 0;
        }
        return n;
    }

    private static double accuracyOf(
            ListwiseScorer scorer, List<FeatureList> lists, int[] targets, boolean newUsers) {
        List<FeatureList> group = new ArrayList<>();
        List<Integer> groupTargets = new ArrayList<>();
        for (int i = 0; i < lists.size(); i++) {
            if ((lists.get(i).context()[1] > 0) == newUsers) {
                group.add(lists.get(i));
                groupTargets.add(targets[i]);
            }
        }
        assertThat(group).hasSizeGreaterThan(50);
        int[] t = groupTargets.stream().mapToInt(Integer::intValue).toArray();
        return PlantedRanking.topOneAccuracy(scorer, group, t);
    }

    private static float[] ones(int n) {
        float[] w = new float[n];
        java.util.Arrays.fill(w, 1f);
        return w;
    }

    private static byte[] snapshot(ListwiseScorer scorer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        scorer.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
