package io.streamrec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a micro-batch is laid out: row order, indices, and each row's gradient contributions. */
class TrainingBatchTest {
    /** Two negatives, the latest two history items pooled. */
    private static final ModelConfig CONFIG = new ModelConfig(2, 2, 2, 86_400_000L, 1L);

    private static final Map<String, List<String>> GENRES =
            Map.of(
                    "m1", List.of("drama"),
                    "m2", List.of("drama", "crime"),
                    "m3", List.of(),
                    "m4", List.of("comedy"),
                    "m5", List.of("crime"));

    @Test
    void aRowTouchedTwiceByOneExampleCountsThatExampleOnce() {
        // u1: positive m1, negatives m2 and m2 (drawn twice), history m9 (too old), m3, m1
        // u2: positive m4, negatives m1 and m5, history m2
        // u1 again: positive m5, negatives m4 and m3, no history
        TrainingBatch batch =
                TrainingBatch.of(
                        List.of(
                                example("u1", "m1", new String[] {"m2", "m2"}, "m9", "m3", "m1"),
                                example("u2", "m4", new String[] {"m1", "m5"}, "m2"),
                                example("u1", "m5", new String[] {"m4", "m3"})),
                        CONFIG,
                        item -> GENRES.getOrDefault(item, List.of()),
                        item -> new float[0],
                        key -> new float[CONFIG.dim() + 1]);

        assertThat(batch.users).containsExactly("u1", "u2");
        assertThat(batch.items).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(batch.userIndex).containsExactly(0, 1, 0);
        assertThat(batch.positiveIndex).containsExactly(0, 3, 4);
        assertThat(batch.negativeIndex).containsExactly(1, 1, 0, 4, 3, 2);
        assertThat(batch.historyIndex).containsExactly(2, 0, 1, 0, 0, 0);
        assertThat(batch.historyWeight).containsExactly(0.5f, 0.5f, 1f, 0f, 0f, 0f);
        assertThat(batch.attributes).containsExactlyInAnyOrder("drama", "crime", "comedy");
        assertThat(batch.contributions)
                .containsOnly(
                        entry("u:u1", 2),
                        entry("u:u2", 1),
                        entry("i:m1", 2), // u1's positive and history; u2's negative
                        entry("i:m2", 2), // u1's negative twice; u2's history
                        entry("i:m3", 2),
                        entry("i:m4", 2),
                        entry("i:m5", 2),
                        entry("a:drama", 2), // m1 and m2 in u1's example; both in u2's
                        entry(
                                "a:crime",
                                3), // m2 in u1's first; m2 and m5 in u2's; m5 in u1's second
                        entry("a:comedy", 2),
                        entry(RowKeys.DENSE_W, 3),
                        entry(RowKeys.DENSE_C, 3),
                        entry(RowKeys.DENSE_PHI, 3));
    }

    @Test
    void theAttributeMatrixSpreadsEachItemOverItsAttributes() {
        TrainingBatch batch =
                TrainingBatch.of(
                        List.of(example("u1", "m2", new String[] {"m3", "m4"})),
                        CONFIG,
                        item -> GENRES.getOrDefault(item, List.of()),
                        item -> new float[0],
                        key -> new float[CONFIG.dim() + 1]);

        int ng = batch.attributes.size();
        assertThat(ng).isEqualTo(3);
        float[] m2 = new float[ng];
        System.arraycopy(batch.attributeMatrix, batch.items.indexOf("m2") * ng, m2, 0, ng);
        assertThat(m2[batch.attributes.indexOf("drama")]).isEqualTo(0.5f);
        assertThat(m2[batch.attributes.indexOf("crime")]).isEqualTo(0.5f);
        assertThat(m2[batch.attributes.indexOf("comedy")]).isEqualTo(0f);
        int m3 = batch.items.indexOf("m3") * ng;
        for (int a = 0; a < ng; a++) {
            assertThat(batch.attributeMatrix[m3 + a]).isEqualTo(0f);
        }
        assertThat(batch.contributions).containsEntry("a:comedy", 1).containsEntry("i:m3", 1);
    }

    @Test
    void anEmptyBatchTouchesNoRow() {
        TrainingBatch batch =
                TrainingBatch.of(
                        List.of(),
                        CONFIG,
                        item -> List.of(),
                        item -> new float[0],
                        key -> new float[CONFIG.dim() + 1]);
        assertThat(batch.contributions).isEmpty();
        assertThat(batch.items).isEmpty();
    }

    private static TrainingExample example(
            String user, String positive, String[] negatives, String... history) {
        float[][] negativeFeatures = new float[negatives.length][ModelConfig.FEATURES];
        return new TrainingExample(
                user + "-" + positive,
                user,
                positive,
                negatives,
                history,
                new float[ModelConfig.FEATURES],
                negativeFeatures,
                0L,
                1f);
    }
}
