package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A learned ranker's state (feature scaler, then scorer, as {@code LearnedRanking} checkpoints
 * them) written by commit 2ab460f, before the history and 2 h features and the 32-unit hidden
 * layer: 52 features and 16 units, committed under {@code src/test/resources/serializer-fixtures}.
 * It restores into today's wider scaler and scorer. The writer: a {@link
 * ListwiseScorer#withSeededNoise} scorer of the default settings with weight 1 on the 1 d count,
 * three steps on 4 lists of 6 candidates of {@code java.util.Random(2026)} Gaussian features, each
 * list observed by a scaler of horizon 100,000 (context scaling ACTIVITY) and standardised.
 */
class LearnedStateFixtureTest {
    private static final String FIXTURE =
            "/serializer-fixtures/LearnedState.52-features.16-units.bin";

    @Test
    void restoresIntoTheWiderScalerAndScorer() throws IOException {
        byte[] bytes = committed();
        // the fixture field by field, as the writing code laid it out
        DataInputStream raw = input(bytes);
        assertThat(raw.readUnsignedByte()).as("scaler version").isEqualTo(2);
        int oldFeatures = raw.readInt();
        assertThat(oldFeatures).isEqualTo(Feature.COUNT_BEFORE_HISTORY);
        assertThat(raw.readLong()).as("rows: 3 steps of 4 lists of 6").isEqualTo(72L);
        double[] mean = new double[oldFeatures];
        double[] variance = new double[oldFeatures];
        for (int f = 0; f < oldFeatures; f++) {
            mean[f] = raw.readDouble();
            variance[f] = raw.readDouble();
        }
        raw.skipNBytes(2 * 8 * FeatureList.CONTEXT);
        assertThat(raw.readByte()).as("scorer version").isEqualTo((byte) 2);
        assertThat(raw.readInt()).isEqualTo(oldFeatures);
        assertThat(raw.readInt()).isEqualTo(ScorerLayout.HIDDEN_BEFORE_32);
        ScorerLayout old = new ScorerLayout(oldFeatures, ScorerLayout.HIDDEN_BEFORE_32);
        float[] p = floats(raw, old.size());
        float[] a = floats(raw, old.size());
        assertThat(raw.readLong()).as("noisy batches").isZero();
        assertThat(raw.available()).isZero();

        FeatureScaler scaler =
                new FeatureScaler(Feature.COUNT, 100_000.0, CandidateRanker.CONTEXT_SCALING);
        try (ListwiseScorer fresh = scorer();
                ListwiseScorer scorer = scorer()) {
            DataInputStream in = input(bytes);
            scaler.readFrom(in);
            scorer.readFrom(in);
            assertThat(in.available()).isZero();

            // the old columns standardise as written, the new ones to 0 until observed
            assertThat(scaler.rows()).isEqualTo(72L);
            float[] ones = new float[Feature.COUNT];
            Arrays.fill(ones, 1f);
            FeatureList row =
                    scaler.standardise(
                            new FeatureList(1, Feature.COUNT, ones, new float[] {1, 0, 0, 0, 0}));
            for (int f = 0; f < Feature.COUNT; f++) {
                double expected = f < oldFeatures ? (1 - mean[f]) / Math.sqrt(variance[f]) : 0;
                assertThat((double) row.values()[f])
                        .as("column %d", f)
                        .isCloseTo(expected, within(1e-5));
            }

            // the new columns count their rows from the restore: 2, then 4, mean 3, variance 1
            for (float v : new float[] {2f, 4f}) {
                float[] x = new float[Feature.COUNT];
                Arrays.fill(x, oldFeatures, Feature.COUNT, v);
                scaler.observe(new FeatureList(1, Feature.COUNT, x, new float[] {1, 0, 0, 0, 0}));
            }
            float[] probe = new float[Feature.COUNT];
            Arrays.fill(probe, oldFeatures, Feature.COUNT, 5f);
            float[] z =
                    scaler.standardise(
                                    new FeatureList(
                                            1, Feature.COUNT, probe, new float[] {1, 0, 0, 0, 0}))
                            .values();
            for (int f = oldFeatures; f < Feature.COUNT; f++) {
                assertThat(z[f]).as("column %d", f).isCloseTo(2f, within(1e-5f));
            }

            // the 16 units and 52 columns as written, the rest as a fresh scorer starts
            int[] at = ListwiseScorer.positions(old, scorer.layout());
            float[] expectedP = fresh.parameters();
            float[] expectedA = fresh.accumulators();
            for (int i = 0; i < at.length; i++) {
                expectedP[at[i]] = p[i];
                expectedA[at[i]] = a[i];
            }
            assertThat(scorer.parameters()).containsExactly(expectedP);
            assertThat(scorer.accumulators()).containsExactly(expectedA);
            float largest = 0f;
            for (float v : a) {
                largest = Math.max(largest, v);
            }
            assertThat(largest).as("an accumulator the training grew").isGreaterThan(0.1f);
            for (FeatureList list : new PlantedRanking(oldFeatures, 5).lists(5, 1, 40)) {
                ListwiseScorerTest.assertRestoredScores(old, p, scorer, list);
            }
        }
    }

    private static ListwiseScorer scorer() {
        return new ListwiseScorer(Feature.COUNT, ScorerSettings.defaults(), Device.cpu());
    }

    private static float[] floats(DataInputStream in, int n) throws IOException {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    private static byte[] committed() throws IOException {
        try (InputStream in = LearnedStateFixtureTest.class.getResourceAsStream(FIXTURE)) {
            assertThat(in).as("committed fixture %s", FIXTURE).isNotNull();
            return in.readAllBytes();
        }
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
