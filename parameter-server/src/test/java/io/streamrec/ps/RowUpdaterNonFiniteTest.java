package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import org.junit.jupiter.api.Test;

/** A gradient with a value that is not a number moves no weight; its event still counts. */
class RowUpdaterNonFiniteTest {
    private static final long DAY = 86_400_000L;

    private final RowUpdater updater =
            new RowUpdater(
                    new AdagradUpdater(0.1, 0.0, 1e-12),
                    new FrequencyAdaptiveL2(0.0),
                    key -> new float[] {0.5f, -0.5f, 0f},
                    DAY);

    @Test
    void aGradientThatIsNotANumberMovesNoWeightButCounts() {
        ParameterRow row =
                updater.apply(
                        null, ShardMessage.gradient("i:1", new float[] {1f, 0f, 0f}, 1, 1, 1f, 0L));
        ParameterRow after =
                updater.apply(
                        row,
                        ShardMessage.gradient(
                                "i:1",
                                new float[] {Float.NaN, 2f, Float.POSITIVE_INFINITY},
                                2,
                                1,
                                1f,
                                0L));

        assertThat(after.weights()).containsExactly(row.weights());
        assertThat(after.slots()).containsExactly(row.slots());
        assertThat(after.version()).isEqualTo(row.version() + 1);
        assertThat(after.updates()).isEqualTo(row.updates() + 2);
        assertThat(after.positives()).isEqualTo(row.positives() + 1);
        assertThat(after.trend()).isGreaterThan(row.trend());
    }

    @Test
    void aRowThatIsNotAllNumbersStartsAgainFromItsInitialWeights() {
        ParameterRow broken =
                new ParameterRow(
                        "i:1",
                        new float[] {Float.NaN, 1f, 2f},
                        new float[] {1f, 1f, 1f},
                        4,
                        7,
                        3,
                        2f,
                        0L);
        ParameterRow after =
                updater.apply(broken, ShardMessage.gradient("i:1", new float[3], 1, 0, 0f, 0L));

        assertThat(after.weights()).containsExactly(0.5f, -0.5f, 0f);
        assertThat(after.version()).isEqualTo(5);
        assertThat(after.updates()).isEqualTo(8);
        assertThat(after.positives()).isEqualTo(3);
    }

    @Test
    void aFiniteGradientStillMovesTheWeights() {
        ParameterRow row =
                updater.apply(
                        null,
                        ShardMessage.gradient("i:1", new float[] {1f, 0f, -1f}, 1, 0, 0f, 0L));
        assertThat(row.weights()[0]).isLessThan(0.5f);
        assertThat(row.weights()[1]).isEqualTo(-0.5f);
        assertThat(row.weights()[2]).isGreaterThan(0f);
        assertThat(RowUpdater.isFinite(new float[] {1f, -2f})).isTrue();
        assertThat(RowUpdater.isFinite(new float[] {1f, Float.NaN})).isFalse();
        assertThat(RowUpdater.isFinite(new float[] {Float.NEGATIVE_INFINITY})).isFalse();
    }
}
