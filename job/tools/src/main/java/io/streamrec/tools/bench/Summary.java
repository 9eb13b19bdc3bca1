package io.streamrec.tools.bench;

import java.util.Arrays;

/** A figure measured in repeated runs: median with min and max, and every run. */
public record Summary(double median, double min, double max, double[] runs) {

    /**
     * The runs' summary; NaN throughout when any run is NaN (measured nothing), so that an empty
     * run never hides behind the others' median.
     */
    public static Summary of(double... runs) {
        if (Arrays.stream(runs).anyMatch(Double::isNaN)) {
            return new Summary(Double.NaN, Double.NaN, Double.NaN, runs.clone());
        }
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median =
                n == 0
                        ? Double.NaN
                        : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Summary(
                median,
                n == 0 ? Double.NaN : sorted[0],
                n == 0 ? Double.NaN : sorted[n - 1],
                runs.clone());
    }

    /** The exact {@code q}-quantile (nearest rank) of {@code sorted} ascending values. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
