package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import org.junit.jupiter.api.Test;

/**
 * A row or gradient of another width than this job's model.dim makes fails with a message saying
 * so.
 */
class RowUpdaterWidthTest {
    private static final long DAY = 86_400_000L;

    /** This job's rows have 3 weights (say model.dim=2 plus a bias). */
    private final RowUpdater updater =
            new RowUpdater(
                    new AdagradUpdater(0.1, 0.0, 1e-12),
                    new FrequencyAdaptiveL2(0.0),
                    key -> new float[3],
                    DAY);

    @Test
    void aRestoredRowOfAnotherModelDimNamesModelDimAndBothWidths() {
        ParameterRow restored = new ParameterRow("i:1", new float[5], new float[5], 1, 1, 0, 0f, 0);
        ShardMessage gradient = ShardMessage.gradient("i:1", new float[3], 1, 0, 0f, 0L);

        assertThatThrownBy(() -> updater.apply(restored, gradient))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("model.dim")
                .hasMessageContaining("5 weights")
                .hasMessageContaining("make 3");
    }

    @Test
    void aGradientOfAnotherModelDimNamesModelDimAndBothWidths() {
        ParameterRow row = new ParameterRow("i:1", new float[3], new float[3], 1, 1, 0, 0f, 0);
        ShardMessage gradient = ShardMessage.gradient("i:1", new float[5], 1, 0, 0f, 0L);

        assertThatThrownBy(() -> updater.apply(row, gradient))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("model.dim")
                .hasMessageContaining("5 values")
                .hasMessageContaining("make 3");
    }

    /**
     * dense:U is content-dim x dim wide: a change of content-dim alone must not blame model.dim.
     */
    @Test
    void aRestoredRowNamesModelContentDimToo() {
        ParameterRow restored =
                new ParameterRow("dense:U", new float[4], new float[4], 1, 1, 0, 0f, 0);
        ShardMessage gradient = ShardMessage.gradient("dense:U", new float[3], 1, 0, 0f, 0L);

        assertThatThrownBy(() -> updater.apply(restored, gradient))
                .hasMessageContaining("model.content-dim")
                .hasMessageContaining("dense:U is content-dim x dim wide");
    }
}
