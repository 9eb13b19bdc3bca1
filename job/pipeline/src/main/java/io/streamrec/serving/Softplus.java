package io.streamrec.serving;

/**
 * {@code log(1 + e^x)} from a table with linear interpolation, within 1e-6 of the exact value.
 * Serving recomputes one such term per item whenever event time moves (the decayed trend count),
 * and an exp plus a log per item cost more than scoring the item.
 */
final class Softplus {
    private static final float LIMIT = 16f;
    private static final int STEPS_PER_UNIT = 256;
    private static final float[] TABLE = new float[(int) (2 * LIMIT * STEPS_PER_UNIT) + 2];

    static {
        for (int j = 0; j < TABLE.length; j++) {
            double x = -LIMIT + (double) j / STEPS_PER_UNIT;
            TABLE[j] = (float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
        }
    }

    private Softplus() {}

    static float of(double x) {
        if (x <= -LIMIT) {
            return (float) Math.exp(x); // below 1.2e-7: log(1 + e^x) = e^x to float precision
        }
        if (x >= LIMIT) {
            return (float) (x + Math.exp(-x));
        }
        double position = (x + LIMIT) * STEPS_PER_UNIT;
        int j = (int) position;
        float frac = (float) (position - j);
        return TABLE[j] + frac * (TABLE[j + 1] - TABLE[j]);
    }
}
