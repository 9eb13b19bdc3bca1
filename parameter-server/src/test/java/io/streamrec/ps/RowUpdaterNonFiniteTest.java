package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import org.junit.jupiter.api.Test;

/**
 * A gradient with a value that is not a number, or one so large that the step overflows the row's
 * floats, moves no weight; its event still counts.
 */
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

    /**
     * A copy of the model handed a row of a kind this job does not make, whose weights are not all
     * numbers (another writer of the model-updates topic), takes zeros for it instead of failing:
     * the feed is read again from its start at every restart, so an exception would loop.
     */
    @Test
    void aRowOfNoKindThisJobMakesWithWeightsNotNumbersBecomesZeros() {
        RowInitializer knowsItemsOnly =
                key -> {
                    if (!key.startsWith("i:")) {
                        throw new IllegalArgumentException("unknown parameter row " + key);
                    }
                    return new float[] {0.5f};
                };
        ParameterRow foreign =
                new ParameterRow(
                        "dense:X", new float[] {Float.NaN, 1f}, new float[0], 1, 1, 0, 0f, 0L);

        ParameterRow held = RowUpdater.withFiniteWeights(foreign, knowsItemsOnly);

        assertThat(held.key()).isEqualTo("dense:X");
        assertThat(held.weights()).containsExactly(0f, 0f);
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

    @Test
    void aFiniteGradientThatWouldOverflowFtrlsSumOfSquaresMovesNoWeight() {
        RowUpdater ftrl =
                new RowUpdater(
                        new FtrlProximalUpdater(0.1, 1.0, 0.0, 0.01),
                        new FrequencyAdaptiveL2(0.01),
                        key -> new float[] {0.05f, -0.02f},
                        DAY);
        ParameterRow row =
                ftrl.apply(
                        null, ShardMessage.gradient("i:1", new float[] {0.5f, 0f}, 1, 0, 0f, 0L));
        // (2e19)^2 is past Float.MAX_VALUE: stored as infinity, FTRL's next weight would be NaN
        ParameterRow huge =
                ftrl.apply(
                        row, ShardMessage.gradient("i:1", new float[] {2e19f, 0f}, 1, 0, 0f, 0L));
        ParameterRow next =
                ftrl.apply(
                        huge, ShardMessage.gradient("i:1", new float[] {0.5f, 0f}, 1, 0, 0f, 0L));

        assertThat(huge.weights()).containsExactly(row.weights());
        assertThat(huge.slots()).containsExactly(row.slots());
        assertThat(huge.version()).isEqualTo(row.version() + 1);
        assertThat(huge.updates()).isEqualTo(row.updates() + 1);
        assertThat(RowUpdater.isFinite(next.weights())).isTrue();
        assertThat(next.weights()[0]).isNotEqualTo(row.weights()[0]);
        assertThat(ftrl.skippedSteps()).isEqualTo(1);
    }

    @Test
    void aFiniteGradientThatWouldOverflowAdagradsAccumulatorDoesNotFreezeTheRow() {
        RowUpdater adagrad =
                new RowUpdater(
                        new AdagradUpdater(0.1, 0.1, 1e-8),
                        new FrequencyAdaptiveL2(0.01),
                        key -> new float[] {0.05f},
                        DAY);
        ParameterRow row =
                adagrad.apply(
                        null, ShardMessage.gradient("i:1", new float[] {2e19f}, 1, 0, 0f, 0L));
        ParameterRow after =
                adagrad.apply(row, ShardMessage.gradient("i:1", new float[] {-5f}, 1, 0, 0f, 0L));

        assertThat(row.weights()).containsExactly(0.05f);
        assertThat(row.slots()).containsExactly(0.1f);
        assertThat(after.weights()[0]).isGreaterThan(0.05f);
        assertThat(adagrad.skippedSteps()).isEqualTo(1);
    }

    @Test
    void aRowWhoseSlotsAloneAreNotAllNumbersKeepsItsWeightsAndStartsItsSlotsAnew() {
        ParameterRow restored =
                new ParameterRow(
                        "i:1",
                        new float[] {0.25f, 1f, 2f},
                        new float[] {Float.POSITIVE_INFINITY, 1f, 1f},
                        4,
                        7,
                        3,
                        2f,
                        0L);
        ParameterRow after =
                updater.apply(restored, ShardMessage.gradient("i:1", new float[3], 1, 0, 0f, 0L));

        assertThat(after.weights()).containsExactly(0.25f, 1f, 2f);
        assertThat(RowUpdater.isFinite(after.slots())).isTrue();
        assertThat(after.version()).isEqualTo(5);
        assertThat(updater.skippedSteps()).isZero();
    }

    /**
     * FTRL's new slots encode the row's weights under the L2 strength of the step that follows,
     * which falls with the row's updates: under the initial strength a zero gradient would move the
     * weight (0.5 to 0.545 here, 99 updates: l2 = 1 / sqrt(100) = 0.1).
     */
    @Test
    void ftrlSlotsStartedAnewOnARowUpdatedBeforeKeepItsWeightsUnderAZeroGradient() {
        RowUpdater ftrl =
                new RowUpdater(
                        new FtrlProximalUpdater(0.1, 1.0, 0.0, 1.0),
                        new FrequencyAdaptiveL2(1.0),
                        key -> new float[] {0.3f},
                        DAY);
        ParameterRow restored =
                new ParameterRow(
                        "i:1", new float[] {0.5f}, new float[] {Float.NaN, 0f}, 4, 99, 3, 2f, 0L);

        ParameterRow after =
                ftrl.apply(restored, ShardMessage.gradient("i:1", new float[1], 1, 0, 0f, 0L));

        assertThat(after.weights()[0]).isCloseTo(0.5f, within(1e-6f));
    }

    /** As above for a row started again from its initial weights, its counters kept. */
    @Test
    void ftrlRowStartedAgainFromItsInitialWeightsKeepsThemUnderAZeroGradient() {
        RowUpdater ftrl =
                new RowUpdater(
                        new FtrlProximalUpdater(0.1, 1.0, 0.0, 1.0),
                        new FrequencyAdaptiveL2(1.0),
                        key -> new float[] {0.3f},
                        DAY);
        ParameterRow broken =
                new ParameterRow(
                        "i:1", new float[] {Float.NaN}, new float[] {1f, 1f}, 4, 99, 3, 2f, 0L);

        ParameterRow after =
                ftrl.apply(broken, ShardMessage.gradient("i:1", new float[1], 1, 0, 0f, 0L));

        assertThat(after.weights()[0]).isCloseTo(0.3f, within(1e-6f));
    }

    /** Restored from a corrupt checkpoint, or read from another writer of model-updates. */
    @Test
    void aTrendThatIsNotANumberStartsAgainAndIsNotHandedOn() {
        ParameterRow broken =
                new ParameterRow(
                        "i:1", new float[] {0.1f, 0.2f, 0f}, new float[3], 4, 4, 2, Float.NaN, 0L);

        ParameterRow after =
                updater.apply(
                        broken,
                        ShardMessage.gradient("i:1", new float[] {1f, 0f, 0f}, 1, 1, 1f, 0L));
        assertThat(after.trend()).isEqualTo(1f);

        ParameterRow held = RowUpdater.withFiniteWeights(broken, key -> new float[3]);
        assertThat(held.trend()).isZero();
        assertThat(held.weights()).containsExactly(broken.weights());
        assertThat(held.version()).isEqualTo(4);
    }
}
