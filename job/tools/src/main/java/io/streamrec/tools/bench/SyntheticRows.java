package io.streamrec.tools.bench;

import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ParameterRow;
import java.util.SplittableRandom;

/**
 * Factorization rows for the benchmarks' serving replicas: item and user vectors drawn uniformly in
 * ±0.1 (the scale of trained rows), items with up to a thousand positives and a trend count.
 */
final class SyntheticRows {
    private static final float[] NO_SLOTS = new float[0];

    private final ModelConfig config;
    private final SplittableRandom random;
    private final long trendTimestamp;

    SyntheticRows(ModelConfig config, SplittableRandom random, long trendTimestamp) {
        this.config = config;
        this.random = random;
        this.trendTimestamp = trendTimestamp;
    }

    ParameterRow item(String item) {
        long positives = 1 + random.nextInt(1000);
        return new ParameterRow(
                RowKeys.item(item),
                uniform(config.dim() + 1),
                NO_SLOTS,
                1,
                positives,
                positives,
                (float) random.nextDouble(20),
                trendTimestamp);
    }

    ParameterRow user(String user) {
        return new ParameterRow(
                RowKeys.user(user), uniform(config.dim()), NO_SLOTS, 1, 3, 0, 0f, 0L);
    }

    private float[] uniform(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (random.nextDouble(-0.1, 0.1));
        }
        return w;
    }
}
