package io.streamrec.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The loss of a micro-batch and the gradient of every row it touched, by row key. */
public record BatchGradients(double loss, Map<String, float[]> rows) {

    /** Splits the flat gradient arrays of a batch into per-row gradients. */
    static BatchGradients of(
            TrainingBatch b,
            double loss,
            float[] users,
            float[] itemEmb,
            float[] itemBias,
            float[] attrs,
            float[] w,
            float[] c,
            float[] phi,
            float[] u) {
        int d = b.dim;
        Map<String, float[]> rows = new LinkedHashMap<>();
        for (int n = 0; n < b.users.size(); n++) {
            float[] g = new float[d];
            System.arraycopy(users, n * d, g, 0, d);
            rows.put(RowKeys.user(b.users.get(n)), g);
        }
        for (int i = 0; i < b.items.size(); i++) {
            float[] g = new float[d + 1];
            System.arraycopy(itemEmb, i * d, g, 0, d);
            g[d] = itemBias[i];
            rows.put(RowKeys.item(b.items.get(i)), g);
        }
        for (int a = 0; a < b.attributes.size(); a++) {
            float[] g = new float[d];
            System.arraycopy(attrs, a * d, g, 0, d);
            rows.put(RowKeys.attribute(b.attributes.get(a)), g);
        }
        rows.put(RowKeys.DENSE_W, w);
        rows.put(RowKeys.DENSE_C, c);
        rows.put(RowKeys.DENSE_PHI, phi);
        if (u != null) {
            rows.put(RowKeys.DENSE_U, u);
        }
        return new BatchGradients(loss, rows);
    }
}
