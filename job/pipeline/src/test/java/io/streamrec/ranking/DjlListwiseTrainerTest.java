package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Holds the DJL pass to the plain-Java math: loss, gradients, padding, scores. */
class DjlListwiseTrainerTest {
    private static final ScorerLayout LAYOUT = new ScorerLayout(6);
    private static DjlListwiseTrainer trainer;

    @BeforeAll
    static void startEngine() {
        trainer = new DjlListwiseTrainer(Device.cpu());
    }

    @AfterAll
    static void stopEngine() {
        trainer.close();
    }

    /** Each row of the per-list pass is that list's gradient alone; their mean is the batch's. */
    @Test
    void perListGradientsAreEachListsOwnAndAverageToTheBatchGradient() {
        Random random = new Random(11);
        float[] p = RandomLists.parameters(random, LAYOUT);
        List<FeatureList> lists = RandomLists.lists(random, 5, 2, 9, LAYOUT.features());
        int[] targets = RandomLists.targets(random, lists);
        float[] weights = {1f, 0.5f, 2f, 1f, 3f};
        double[] loss = new double[1];

        float[][] perList =
                trainer.exampleGradients(
                        LAYOUT, p, PaddedListBatch.of(LAYOUT, lists, targets, weights), loss);
        ScorerGradients batch =
                trainer.gradients(LAYOUT, p, PaddedListBatch.of(LAYOUT, lists, targets, weights));

        assertThat(loss[0]).isCloseTo(batch.loss(), offset(1e-5));
        float[] mean = new float[p.length];
        for (int i = 0; i < lists.size(); i++) {
            ScorerGradients alone =
                    trainer.gradients(
                            LAYOUT,
                            p,
                            PaddedListBatch.of(
                                    LAYOUT,
                                    List.of(lists.get(i)),
                                    new int[] {targets[i]},
                                    new float[] {weights[i]}));
            for (int j = 0; j < p.length; j++) {
                assertThat(perList[i][j]).isCloseTo(alone.gradient()[j], offset(1e-5f));
                mean[j] += perList[i][j] / lists.size();
            }
        }
        for (int j = 0; j < p.length; j++) {
            assertThat(mean[j]).isCloseTo(batch.gradient()[j], offset(1e-5f));
        }
    }

    @Test
    void gradientsOfEveryBlockMatchCentralDifferencesOfTheJavaLoss() {
        Random random = new Random(7);
        float[] p = RandomLists.parameters(random, LAYOUT);
        List<FeatureList> lists = RandomLists.lists(random, 4, 3, 9, LAYOUT.features());
        int[] targets = RandomLists.targets(random, lists);
        float[] weights = {1f, 0.5f, 2f, 1f};

        ScorerGradients g =
                trainer.gradients(LAYOUT, p, PaddedListBatch.of(LAYOUT, lists, targets, weights));

        assertThat(g.loss())
                .isCloseTo(
                        ScorerForward.meanLoss(LAYOUT, p, lists, targets, weights), offset(1e-5));
        int f = LAYOUT.features();
        int checked = 0;
        checked += checkBlock(p, lists, targets, weights, g, LAYOUT.wOffset(), LAYOUT.hOffset());
        checked += checkBlock(p, lists, targets, weights, g, LAYOUT.hOffset(), LAYOUT.bOffset());
        checked += checkBlock(p, lists, targets, weights, g, LAYOUT.bOffset(), LAYOUT.uOffset());
        checked += checkBlock(p, lists, targets, weights, g, LAYOUT.uOffset(), LAYOUT.size());
        // a few coordinates may sit on a relu kink, where no derivative exists to compare
        assertThat(checked).isGreaterThan(LAYOUT.size() * 95 / 100);
        int u = ScorerLayout.HIDDEN;
        assertThat(LAYOUT.size()).isEqualTo(5 * f + u * (f + 5) + 2 * u);
    }

    @Test
    void paddingChangesNeitherLossNorGradients() {
        Random random = new Random(11);
        float[] p = RandomLists.parameters(random, LAYOUT);
        FeatureList shortList = RandomLists.list(random, 3, LAYOUT.features());
        FeatureList longList = RandomLists.list(random, 12, LAYOUT.features());

        ScorerGradients alone = gradients(p, List.of(shortList), new int[] {2});
        ScorerGradients other = gradients(p, List.of(longList), new int[] {5});
        ScorerGradients padded = gradients(p, List.of(shortList, longList), new int[] {2, 5});

        assertThat(padded.lists()).isEqualTo(2);
        assertThat(padded.loss()).isCloseTo((alone.loss() + other.loss()) / 2, offset(1e-5));
        for (int i = 0; i < p.length; i++) {
            double mean = (alone.gradient()[i] + other.gradient()[i]) / 2.0;
            assertThat((double) padded.gradient()[i])
                    .as("d loss / d p[%d]", i)
                    .isCloseTo(mean, offset(1e-5 + 1e-4 * Math.abs(mean)));
        }
        assertThat(alone.loss())
                .isCloseTo(ScorerForward.listLoss(LAYOUT, p, shortList, 2), offset(1e-5));
    }

    @Test
    void batchedScoresMatchTheJavaForward() {
        Random random = new Random(3);
        float[] p = RandomLists.parameters(random, LAYOUT);
        List<FeatureList> lists = RandomLists.lists(random, 5, 1, 20, LAYOUT.features());
        PaddedListBatch batch = PaddedListBatch.of(LAYOUT, lists);

        float[] scores = trainer.scores(LAYOUT, p, batch);

        for (int i = 0; i < lists.size(); i++) {
            double[] expected = ScorerForward.scores(LAYOUT, p, lists.get(i));
            for (int c = 0; c < expected.length; c++) {
                assertThat((double) scores[i * batch.maxCandidates + c])
                        .isCloseTo(expected[c], offset(1e-4 + 1e-5 * Math.abs(expected[c])));
            }
        }
    }

    @Test
    void aListOfWeightZeroContributesNothing() {
        Random random = new Random(5);
        float[] p = RandomLists.parameters(random, LAYOUT);
        List<FeatureList> lists = RandomLists.lists(random, 2, 4, 8, LAYOUT.features());
        int[] targets = {1, 3};

        ScorerGradients both =
                trainer.gradients(
                        LAYOUT,
                        p,
                        PaddedListBatch.of(LAYOUT, lists, targets, new float[] {1f, 0f}));
        ScorerGradients first = gradients(p, lists.subList(0, 1), new int[] {1});

        assertThat(both.loss()).isCloseTo(first.loss() / 2, offset(1e-6));
        for (int i = 0; i < p.length; i++) {
            assertThat(both.gradient()[i]).isCloseTo(first.gradient()[i] / 2, offset(1e-6f));
        }
    }

    private static ScorerGradients gradients(float[] p, List<FeatureList> lists, int[] targets) {
        float[] weights = new float[lists.size()];
        Arrays.fill(weights, 1f);
        return trainer.gradients(LAYOUT, p, PaddedListBatch.of(LAYOUT, lists, targets, weights));
    }

    /**
     * Compares {@code g.gradient()[from, to)} with central differences of the double-precision Java
     * loss; returns how many coordinates it compared. A coordinate whose one-sided differences
     * disagree straddles a relu kink and is skipped.
     */
    private static int checkBlock(
            float[] p,
            List<FeatureList> lists,
            int[] targets,
            float[] weights,
            ScorerGradients g,
            int from,
            int to) {
        double step = 1e-4;
        double center = ScorerForward.meanLoss(LAYOUT, p, lists, targets, weights);
        int checked = 0;
        for (int i = from; i < to; i++) {
            float original = p[i];
            float up = (float) (original + step);
            float down = (float) (original - step);
            p[i] = up;
            double plus = ScorerForward.meanLoss(LAYOUT, p, lists, targets, weights);
            p[i] = down;
            double minus = ScorerForward.meanLoss(LAYOUT, p, lists, targets, weights);
            p[i] = original;
            double right = (plus - center) / ((double) up - original);
            double left = (center - minus) / ((double) original - down);
            if (Math.abs(right - left) > 1e-3 + 1e-2 * Math.abs(right)) {
                continue;
            }
            double numeric = (plus - minus) / ((double) up - down);
            assertThat((double) g.gradient()[i])
                    .as("d loss / d p[%d]", i)
                    .isCloseTo(numeric, offset(1e-5 + 1e-3 * Math.abs(numeric)));
            checked++;
        }
        return checked;
    }
}
