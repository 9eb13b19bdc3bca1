package io.streamrec.ranking;

/**
 * One ranking list as the scorer reads it: a feature row per candidate (row-major, {@code
 * candidates × features}) and the user's context, whose entries gate the linear weights.
 *
 * @param candidates rows
 * @param features columns per row
 * @param values {@code candidates * features} values, candidate-major
 * @param context {@link #CONTEXT} values: 1 (the ungated bias), new user, within 30 minutes of the
 *     user's previous event, log of the user's activity, returning after 30 days
 */
public record FeatureList(int candidates, int features, float[] values, float[] context) {
    public static final int CONTEXT = 5;

    public FeatureList {
        if (values.length != candidates * features) {
            throw new IllegalArgumentException(
                    values.length + " values for " + candidates + " × " + features);
        }
        if (context.length != CONTEXT) {
            throw new IllegalArgumentException(context.length + " context values, not " + CONTEXT);
        }
    }

    public float value(int candidate, int feature) {
        return values[candidate * features + feature];
    }

    /** A copy of every row and of the context. */
    public FeatureList copy() {
        return new FeatureList(candidates, features, values.clone(), context.clone());
    }

    /** A copy of the rows {@code keep} marks, in order, and of the context. */
    public FeatureList rows(boolean[] keep) {
        if (keep.length != candidates) {
            throw new IllegalArgumentException(keep.length + " row marks for " + candidates);
        }
        return new FeatureList(
                NegativeSample.kept(keep, candidates),
                features,
                keptRows(values, features, keep),
                context.clone());
    }

    /** The rows of {@code values} ({@code features} columns each) that {@code keep} marks. */
    static float[] keptRows(float[] values, int features, boolean[] keep) {
        int[] kept = NegativeSample.keptRowIndices(keep, keep.length);
        float[] out = new float[kept.length * features];
        for (int k = 0; k < kept.length; k++) {
            System.arraycopy(values, kept[k] * features, out, k * features, features);
        }
        return out;
    }
}
