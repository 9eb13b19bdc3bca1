package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.fixtures.CommittedFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Scaler snapshots written by format version 1 (before the context averages) and version 3 (with
 * the row each column counts from) still restore.
 */
class FeatureScalerFixtureTest {
    private static final String FOLDER = "serializer-fixtures";
    private static final String V3 = "FeatureScaler.v3.bin";

    @Test
    void readsTheVersionOneFixture() throws Exception {
        FeatureScaler scaler =
                new FeatureScaler(2, 100_000.0, FeatureScaler.ContextScaling.ACTIVITY);
        try (InputStream in =
                getClass().getResourceAsStream("/serializer-fixtures/FeatureScaler.v1.bin")) {
            scaler.readFrom(new DataInputStream(in));
        }
        // the fixture observed columns (1, 3, 5, 11) and (10, 20, 30, 40): means 5 and 25,
        // variances 14 and 125
        FeatureList row =
                scaler.standardise(
                        new FeatureList(
                                1, 2, new float[] {12f, 25f}, new float[] {1f, 0f, 0f, 6f, 0f}));
        assertThat(row.values()[0]).isCloseTo((float) (7 / Math.sqrt(14)), within(1e-6f));
        assertThat(row.values()[1]).isZero();
        // no context averages in version 1: the activity entry is neutral until observed
        assertThat(row.context()[FeatureScaler.ACTIVITY_ENTRY]).isZero();
        assertThat(row.context()[0]).isEqualTo(1f);
    }

    /**
     * What version 3 wrote: a scaler of 2 columns after (1, 10), (3, 20), (5, 30), (11, 40), read
     * into one of 3 columns, which then observed (5, 25, 2) and (5, 25, 4).
     */
    private static FeatureScaler version3() throws IOException {
        FeatureScaler narrow = new FeatureScaler(2, 100_000.0);
        for (float[] values : new float[][] {{1, 10}, {3, 20}, {5, 30}, {11, 40}}) {
            narrow.observe(new FeatureList(1, 2, values, new float[] {1, 0, 0, 0, 0}));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        narrow.writeTo(new DataOutputStream(bytes));
        FeatureScaler wide = new FeatureScaler(3, 100_000.0);
        wide.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        wide.observe(row(5f, 25f, 2f));
        wide.observe(row(5f, 25f, 4f));
        return wide;
    }

    private static FeatureList row(float a, float b, float c) {
        return new FeatureList(1, 3, new float[] {a, b, c}, new float[] {1, 0, 0, 0, 0});
    }

    @Test
    void readsTheVersionThreeFixture() throws Exception {
        FeatureScaler scaler = new FeatureScaler(3, 100_000.0);
        try (InputStream in = getClass().getResourceAsStream("/" + FOLDER + "/" + V3)) {
            assertThat(in).as("committed fixture %s", V3).isNotNull();
            scaler.readFrom(new DataInputStream(in));
        }
        assertThat(scaler.rows()).isEqualTo(6);
        // first column 1, 3, 5, 11, 5, 5: mean 5, variance 56 / 6; second 10 ... 40, 25, 25: mean
        // 25; third, appended after 4 rows: 2, 4, mean 3, variance 1
        float[] values = scaler.standardise(row(12f, 25f, 5f)).values();
        assertThat(values[0]).isCloseTo((float) (7 / Math.sqrt(56.0 / 6)), within(1e-6f));
        assertThat(values[1]).isZero();
        assertThat(values[2]).isCloseTo(2f, within(1e-6f));
        // the third column still counts its own rows: its third weighs 1/3, variance 2/3
        scaler.observe(row(5f, 25f, 3f));
        assertThat(scaler.standardise(row(5f, 25f, 4f)).values()[2])
                .isCloseTo((float) (1 / Math.sqrt(2.0 / 3)), within(1e-6f));
    }

    /**
     * Today's {@link FeatureScaler#writeTo}, given the scaler the fixture of the version it writes
     * holds ({@link #version3}, not read from the fixture), writes that fixture's committed bytes
     * (see {@link CommittedFixtures#assertWritesCommitted}).
     */
    @Test
    void todaysWriterWritesTheCommittedBytesOfItsVersion() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        version3().writeTo(new DataOutputStream(bytes));
        byte[] written = bytes.toByteArray();
        CommittedFixtures.assertWritesCommitted("FeatureScaler.v" + written[0] + ".bin", written);
    }

    /**
     * Writes the fixture of the version today's {@link FeatureScaler#writeTo} writes ({@code
     * FeatureScaler.v<version>.bin}, the version its first byte says) if it is missing, never over
     * one and never under another version's name: {@code mvn test -pl job/pipeline -am
     * -Dtest=FeatureScalerFixtureTest#writeMissingFixture -Dfixtures.write=true
     * -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixture() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        version3().writeTo(new DataOutputStream(bytes));
        byte[] written = bytes.toByteArray();
        CommittedFixtures.writeIfMissing("FeatureScaler.v" + written[0] + ".bin", written);
    }
}
