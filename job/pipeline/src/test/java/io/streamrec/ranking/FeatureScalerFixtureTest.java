package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.DataInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** A scaler snapshot written by format version 1 (before the context averages) still restores. */
class FeatureScalerFixtureTest {
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
}
