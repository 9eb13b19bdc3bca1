package io.streamrec.model;

import io.streamrec.schema.ParameterRow;

/**
 * The item features the model weighs with the {@code dense:phi} row: log(1 + trending count at
 * {@code now}) and log(1 + all-time count). Both come from the item row's statistics, which the
 * parameter server keeps beside the item's embedding.
 */
public final class ItemFeatures {
    private ItemFeatures() {}

    public static float[] of(ParameterRow itemRow, long now, double decayPerMs) {
        float[] phi = new float[ModelConfig.FEATURES];
        if (itemRow != null) {
            fill(itemRow.trendAt(now, decayPerMs), itemRow.positives(), phi);
        }
        return phi;
    }

    public static void fill(double trendNow, long positives, float[] out) {
        out[0] = (float) Math.log1p(trendNow);
        out[1] = (float) Math.log1p(positives);
    }
}
