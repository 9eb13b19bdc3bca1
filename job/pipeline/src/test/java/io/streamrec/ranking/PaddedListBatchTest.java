package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaddedListBatchTest {
    private static final ScorerLayout LAYOUT = new ScorerLayout(2);

    private static FeatureList list(float... values) {
        float[] context = new float[FeatureList.CONTEXT];
        context[0] = 1f;
        return new FeatureList(values.length / 2, 2, values, context);
    }

    @Test
    void theBlockIsEachListPaddedWithZerosOverWhatTheBufferHeld() {
        PaddedListBatch batch =
                PaddedListBatch.of(
                        LAYOUT, List.of(list(1f, 2f), list(3f, 4f, 5f, 6f, 7f, 8f), list(9f, 10f)));
        // a reused buffer: an earlier, larger batch's values are still in it
        float[] held = new float[batch.valueCount() + 4];
        Arrays.fill(held, 42f);
        FloatBuffer buffer = FloatBuffer.wrap(held);

        batch.writeValues(buffer);

        assertThat(batch.valueCount()).isEqualTo(3 * 3 * 2);
        assertThat(buffer.position()).isEqualTo(batch.valueCount());
        assertThat(Arrays.copyOf(held, batch.valueCount()))
                .containsExactly(
                        1f, 2f, 0f, 0f, 0f, 0f, //
                        3f, 4f, 5f, 6f, 7f, 8f, //
                        9f, 10f, 0f, 0f, 0f, 0f);
        assertThat(batch.mask)
                .containsExactly(
                        0f,
                        PaddedListBatch.PADDING,
                        PaddedListBatch.PADDING, //
                        0f,
                        0f,
                        0f, //
                        0f,
                        PaddedListBatch.PADDING,
                        PaddedListBatch.PADDING);
    }
}
