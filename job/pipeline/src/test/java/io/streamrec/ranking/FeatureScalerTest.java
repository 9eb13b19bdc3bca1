package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Running mean and variance of the feature scaler against values computed by hand. */
class FeatureScalerTest {
    /** The plain mean holds for the first 4 rows, then each row weighs 1/4. */
    private static final double HORIZON = 4;

    /** Rows of two columns: the first varies, the second is constant. */
    private static FeatureList rows(float... firstColumn) {
        float[] values = new float[firstColumn.length * 2];
        for (int c = 0; c < firstColumn.length; c++) {
            values[2 * c] = firstColumn[c];
            values[2 * c + 1] = 7f;
        }
        return new FeatureList(firstColumn.length, 2, values, new float[] {1, 0, 0, 0, 0});
    }

    /** The standardised first column of one probe row. */
    private static float standardised(FeatureScaler scaler, float x) {
        return scaler.standardise(rows(x)).value(0, 0);
    }

    @Test
    void aSingleRowHasNoVarianceSoEveryColumnIsZero() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON);
        scaler.observe(rows(3f));
        FeatureList probe = scaler.standardise(rows(50f));
        assertThat(probe.values()).containsExactly(0f, 0f);
        assertThat(scaler.rows()).isEqualTo(1);
    }

    @Test
    void valuesThatAreNotNumbersNeitherMoveTheAveragesNorReachTheScorer() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON);
        scaler.observe(rows(1f, Float.NaN, 3f));
        scaler.observe(rows(Float.POSITIVE_INFINITY, 5f, 11f));
        // one NaN in an average would make this NaN, and every other value standardised with it
        assertThat(standardised(scaler, 5f)).isFinite().isNotZero();
        FeatureList probe =
                new FeatureList(
                        3,
                        2,
                        new float[] {Float.NaN, 7f, Float.NEGATIVE_INFINITY, 7f, 4f, 7f},
                        new float[] {1, Float.NaN, 0, 0, 0});
        scaler.standardise(probe);
        assertThat(probe.values()).containsExactly(0f, 0f, 0f, 0f, standardised(scaler, 4f), 0f);
        assertThat(probe.context()).containsExactly(1f, 0f, 0f, 0f, 0f);
        assertThat(scaler.nonFiniteValues()).isEqualTo(3);
    }

    /**
     * One finite but absurd value (a factorization score of 1e30) after the first rows enters the
     * averages clipped, so the column standardises again within a few horizons; unclipped, its
     * variance would be about 1e58 and every value would reach the scorer as about 0 for about 130
     * horizons.
     */
    @Test
    void anAbsurdValueAfterTheFirstRowsEntersTheAveragesClipped() {
        FeatureScaler scaler = new FeatureScaler(2, 100);
        scaler.observe(rows(alternating((int) (2 * FeatureScaler.CLIP_AFTER))));
        assertThat(standardised(scaler, 1f)).isCloseTo(1f, within(0.05f));

        scaler.observe(rows(1e30f));
        // the scorer still sees the value itself, standardised
        assertThat(standardised(scaler, 1e30f)).isGreaterThan(1e27f);
        scaler.observe(rows(alternating(2_000))); // 20 horizons

        assertThat(standardised(scaler, 1f)).isCloseTo(1f, within(0.05f));
        assertThat(standardised(scaler, -1f)).isCloseTo(-1f, within(0.05f));
    }

    /** Values 1, -1, 1, ...: mean 0, variance 1. */
    private static float[] alternating(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i % 2 == 0 ? 1f : -1f;
        }
        return values;
    }

    @Test
    void plainMeanAndVarianceOverTheFirstRows() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON);
        // rows 1, 3 | 5, 11 in two lists: mean 5, variance (16 + 4 + 0 + 36) / 4 = 14
        scaler.observe(rows(1f, 3f));
        scaler.observe(rows(5f, 11f));
        assertThat(scaler.rows()).isEqualTo(4);
        assertThat(standardised(scaler, 5f)).isCloseTo(0f, within(1e-6f));
        assertThat(standardised(scaler, 12f)).isCloseTo((float) (7 / Math.sqrt(14)), within(1e-6f));
        assertThat(standardised(scaler, 1f)).isCloseTo((float) (-4 / Math.sqrt(14)), within(1e-6f));
    }

    @Test
    void afterTheHorizonEachRowWeighsOneOverHorizon() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON);
        scaler.observe(rows(1f, 3f, 5f, 11f));
        // row 5 (9), weight 1/4 (not 1/5): delta 4, mean 5 + 1 = 6,
        // variance 3/4 (14 + 16 / 4) = 13.5
        scaler.observe(rows(9f));
        assertThat(standardised(scaler, 6f)).isCloseTo(0f, within(1e-6f));
        assertThat(standardised(scaler, 9f))
                .isCloseTo((float) (3 / Math.sqrt(13.5)), within(1e-6f));
        // row 6 (2), weight 1/4: delta -4, mean 5 (a plain mean would be 31/6),
        // variance 3/4 (13.5 + 16 / 4) = 13.125
        scaler.observe(rows(2f));
        assertThat(standardised(scaler, 5f)).isCloseTo(0f, within(1e-6f));
        assertThat(standardised(scaler, 8f))
                .isCloseTo((float) (3 / Math.sqrt(13.125)), within(1e-6f));
        assertThat(scaler.rows()).isEqualTo(6);
    }

    @Test
    void aConstantColumnStaysZeroWhateverTheValue() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON);
        scaler.observe(rows(1f, 3f, 5f, 11f, 9f));
        // the second column was 7 in every row: no variance, so 0 even for 1000
        FeatureList probe =
                scaler.standardise(
                        new FeatureList(
                                2,
                                2,
                                new float[] {6f, 7f, 9f, 1000f},
                                new float[] {1, 0, 0, 0, 0}));
        assertThat(probe.value(0, 1)).isZero();
        assertThat(probe.value(1, 1)).isZero();
        assertThat(probe.value(0, 0)).isCloseTo(0f, within(1e-6f));
        assertThat(probe.value(1, 0)).isCloseTo((float) (3 / Math.sqrt(13.5)), within(1e-6f));
    }

    @Test
    void aSnapshotWhoseAveragesAreNotAllNumbersRestoresAsANewScaler() throws IOException {
        FeatureScaler written = new FeatureScaler(2, HORIZON);
        written.observe(rows(1f, 3f, 5f));
        byte[] snapshot = bytes(written);
        // version, feature count, rows, then column 0's mean: NaN, as an older scaler could write
        java.nio.ByteBuffer.wrap(snapshot).putDouble(1 + 4 + 8, Double.NaN);
        FeatureScaler read = new FeatureScaler(2, HORIZON);
        read.readFrom(input(snapshot));

        assertThat(read.rows()).isZero();
        assertThat(standardised(read, 5f)).isZero();
        read.observe(rows(1f, 3f));
        assertThat(standardised(read, 2f)).isCloseTo(0f, within(1e-6f));
        assertThat(standardised(read, 3f)).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void writeThenReadGivesIdenticalStandardisationAndLearning() throws IOException {
        FeatureScaler written =
                new FeatureScaler(2, HORIZON, FeatureScaler.ContextScaling.ACTIVITY);
        written.observe(rows(1f, 3f, 5f, 11f, 9f, 2f));
        written.observe(withContext(4f, 0f));
        FeatureScaler read = new FeatureScaler(2, HORIZON, FeatureScaler.ContextScaling.ACTIVITY);
        read.readFrom(input(bytes(written)));

        assertThat(read.rows()).isEqualTo(7);
        assertThat(read.standardise(withContext(6f, 0f)).context())
                .containsExactly(written.standardise(withContext(6f, 0f)).context());
        for (float x : new float[] {-3f, 0f, 5f, 8.5f, 100f}) {
            assertThat(standardised(read, x)).isEqualTo(standardised(written, x));
        }
        // the row count is restored too: the next row weighs the same in both
        written.observe(rows(40f));
        read.observe(rows(40f));
        assertThat(standardised(read, 3f)).isEqualTo(standardised(written, 3f));
        assertThat(bytes(read)).isEqualTo(bytes(written));
    }

    @Test
    void readingMoreFeaturesThanTheScalerHasFails() throws IOException {
        FeatureScaler written = new FeatureScaler(2, HORIZON);
        written.observe(rows(1f, 3f));
        FeatureScaler narrower = new FeatureScaler(1, HORIZON);
        assertThatThrownBy(() -> narrower.readFrom(input(bytes(written))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("2 scaled features written, at most 1 expected");
    }

    /** A snapshot from before features were appended: the first columns, then new ones at zero. */
    @Test
    void readingFewerFeaturesFillsTheFirstColumns() throws IOException {
        FeatureScaler written = new FeatureScaler(2, HORIZON);
        written.observe(rows(1f, 3f, 5f, 11f));
        FeatureScaler wider = new FeatureScaler(3, HORIZON);
        wider.readFrom(input(bytes(written)));
        FeatureList row = new FeatureList(1, 3, new float[] {12f, 7f, 4f}, new float[5]);
        // first column: mean 5, variance 14; the second never varied; the third is new
        float[] values = wider.standardise(row).values();
        assertThat(values[0]).isCloseTo((float) (7 / Math.sqrt(14)), within(1e-6f));
        assertThat(values[1]).isZero();
        assertThat(values[2]).isZero();
        assertThat(wider.rows()).isEqualTo(4);
    }

    /**
     * An appended column averages over its own rows, a plain mean at first as in a new scaler, not
     * at the weight the other columns have reached; snapshots keep where it started.
     */
    @Test
    void anAppendedColumnCountsItsRowsFromTheRestore() throws IOException {
        FeatureScaler written = new FeatureScaler(2, 100);
        written.observe(rows(1f, 3f, 5f, 11f));
        FeatureScaler wider = new FeatureScaler(3, 100);
        wider.readFrom(input(bytes(written)));
        wider.observe(threeColumns(5f, 7f, 2f));
        wider.observe(threeColumns(5f, 7f, 4f));
        // first column: 1, 3, 5, 11, 5, 5, mean 5, variance 56 / 6; the third: 2, 4, mean 3,
        // variance 1 (counted from the first row, at weights 1/5 and 1/6: mean 1, variance 7/3)
        float[] values = wider.standardise(threeColumns(12f, 7f, 5f)).values();
        assertThat(values[0]).isCloseTo((float) (7 / Math.sqrt(56.0 / 6)), within(1e-6f));
        assertThat(values[1]).isZero();
        assertThat(values[2]).isCloseTo(2f, within(1e-6f));

        FeatureScaler again = new FeatureScaler(3, 100);
        again.readFrom(input(bytes(wider)));
        wider.observe(threeColumns(5f, 7f, 3f));
        again.observe(threeColumns(5f, 7f, 3f));
        // the third column's third row weighs 1/3: 2, 4, 3, variance 2/3
        assertThat(again.standardise(threeColumns(5f, 7f, 4f)).values()[2])
                .isCloseTo((float) (1 / Math.sqrt(2.0 / 3)), within(1e-6f));
        assertThat(bytes(again)).isEqualTo(bytes(wider));
    }

    private static FeatureList threeColumns(float a, float b, float c) {
        return new FeatureList(1, 3, new float[] {a, b, c}, new float[] {1, 0, 0, 0, 0});
    }

    /** One row whose context has log activity {@code activity} and the 0/1 "near" flag. */
    private static FeatureList withContext(float activity, float near) {
        return new FeatureList(1, 2, new float[] {0f, 0f}, new float[] {1, 0, near, activity, 0});
    }

    @Test
    void activityScalingStandardisesOnlyTheLogActivity() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON, FeatureScaler.ContextScaling.ACTIVITY);
        // activity 1, 3, 5, 11: mean 5, variance 14 (as the first column above)
        for (float a : new float[] {1f, 3f, 5f, 11f}) {
            scaler.observe(withContext(a, a > 4 ? 1f : 0f));
        }
        float[] context = scaler.standardise(withContext(12f, 1f)).context();
        assertThat(context[FeatureScaler.ACTIVITY_ENTRY])
                .isCloseTo((float) (7 / Math.sqrt(14)), within(1e-6f));
        assertThat(context).startsWith(1f, 0f, 1f).endsWith(0f);
    }

    @Test
    void allScalingStandardisesEveryEntryButTheConstant() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON, FeatureScaler.ContextScaling.ALL);
        for (float a : new float[] {1f, 3f, 5f, 11f}) {
            scaler.observe(withContext(a, a > 4 ? 1f : 0f));
        }
        float[] context = scaler.standardise(withContext(5f, 1f)).context();
        // near: 0, 0, 1, 1: mean 1/2, variance 1/4; new user and away never varied
        assertThat(context).containsExactly(1f, 0f, 1f, 0f, 0f);
    }

    @Test
    void withoutContextScalingTheContextIsUntouched() {
        FeatureScaler scaler = new FeatureScaler(2, HORIZON);
        scaler.observe(withContext(1f, 0f));
        scaler.observe(withContext(3f, 1f));
        assertThat(scaler.standardise(withContext(7f, 1f)).context())
                .containsExactly(1f, 0f, 1f, 7f, 0f);
    }

    @Test
    void aVersionOneSnapshotReadsWithContextAveragesFromZero() throws IOException {
        FeatureScaler written =
                new FeatureScaler(2, HORIZON, FeatureScaler.ContextScaling.ACTIVITY);
        written.observe(rows(1f, 3f, 5f, 11f));
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(v1)) {
            out.writeByte(1);
            out.writeInt(2);
            out.writeLong(4);
            for (double v : new double[] {5, 14, 7, 0}) {
                out.writeDouble(v);
            }
        }
        FeatureScaler read = new FeatureScaler(2, HORIZON, FeatureScaler.ContextScaling.ACTIVITY);
        read.readFrom(input(v1.toByteArray()));
        assertThat(standardised(read, 12f)).isEqualTo(standardised(written, 12f));
        // no context variance yet: the activity entry is neutral
        assertThat(read.standardise(withContext(9f, 0f)).context()[FeatureScaler.ACTIVITY_ENTRY])
                .isZero();
    }

    private static byte[] bytes(FeatureScaler scaler) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            scaler.writeTo(out);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
