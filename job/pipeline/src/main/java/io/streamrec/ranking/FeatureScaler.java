package io.streamrec.ranking;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standardises feature columns with a running mean and variance, so that every feature reaches the
 * scorer at unit scale whatever its units (AdaGrad then steps every weight alike). The context
 * entries it is told to ({@link ContextScaling}) are standardised the same way: the log activity,
 * unscaled, gates the linear weights up to 7 times as hard as the constant entry and shifts with
 * the dataset's activity. The averages weigh each row {@code max(1/n, 1/horizon)}: a plain mean
 * over the first rows, then an exponential average over about the last {@code horizon} rows,
 * following drift. Columns with no variance (switched off, or constant so far) stay zero. A column
 * appended by {@link #readFrom} of a narrower snapshot counts its rows from there, so it too starts
 * with a plain mean. A value that is not a number (NaN, infinite) neither moves the averages nor
 * reaches the scorer: one such value in an average would make every later score NaN, and the
 * learned ranker would rank by its candidates' order from then on. Once a column has {@value
 * #CLIP_AFTER} rows, a value further from its mean than {@value #CLIP_DEVIATIONS} standard
 * deviations (or {@code 1 + |mean|}, whichever is wider) enters the averages clipped to that
 * distance: one finite but absurd value (a factorization score of 1e30) would otherwise set the
 * column's variance to 1e55 or more, and the column would reach the scorer as 0 for about 130
 * horizons of rows instead of a few. The bound is wide so that a sparse column's legitimate values
 * (a value X in a share p of the rows lies about 1/sqrt(p) deviations out) are clipped only below
 * one row in a million. The value the scorer sees is not clipped.
 */
public final class FeatureScaler {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureScaler.class);

    /**
     * Version 2 added the context's mean and variance, version 3 the row each column counts from;
     * version 1 and 2 snapshots still read.
     */
    private static final int VERSION = 3;

    private static final double EPSILON = 1e-8;

    /** Rows a column counts before its values are clipped in the averages. */
    static final long CLIP_AFTER = 100;

    /**
     * How far from a column's mean, in standard deviations, a value enters the averages unclipped.
     */
    static final double CLIP_DEVIATIONS = 1000.0;

    /** Which context entries the scaler standardises along with the features. */
    public enum ContextScaling {
        /** None: the context gates as {@link CandidateFeatures#context} made it. */
        NONE,
        /** Only the user's log activity, the one entry that is not a 0/1 flag. */
        ACTIVITY,
        /** Every entry but the constant first one. */
        ALL
    }

    /** The context's log-activity entry ({@link FeatureList#context()}). */
    static final int ACTIVITY_ENTRY = 3;

    private final int features;
    private final double horizon;
    private final ContextScaling contextScaling;
    private final double[] mean;
    private final double[] variance;
    private final double[] contextMean = new double[FeatureList.CONTEXT];
    private final double[] contextVariance = new double[FeatureList.CONTEXT];
    private long rows;

    /** Not checkpointed: a diagnostic of this run ({@link #nonFiniteValues}). */
    private long nonFiniteValues;

    /**
     * Per column, the rows before it was appended (0 for a column from the start); non-decreasing.
     * Averaged over all rows, an appended column would start at weight {@code 1/horizon}: at a
     * horizon of 100,000 rows, after its first hundred a variance a thousandth of the true one, and
     * standardised values thirty times too large.
     */
    private final long[] since;

    /** Where each run of columns of one {@link #since} ends, the last at {@code features}. */
    private int[] runEnds;

    public FeatureScaler(int features, double horizon) {
        this(features, horizon, ContextScaling.NONE);
    }

    public FeatureScaler(int features, double horizon, ContextScaling contextScaling) {
        this.features = features;
        this.horizon = horizon;
        this.contextScaling = contextScaling;
        this.mean = new double[features];
        this.variance = new double[features];
        this.since = new long[features];
        this.runEnds = new int[] {features};
    }

    private boolean scalesContext(int entry) {
        return switch (contextScaling) {
            case NONE -> false;
            case ACTIVITY -> entry == ACTIVITY_ENTRY;
            case ALL -> entry > 0;
        };
    }

    /** Learns the mean and variance from every row of {@code list} (raw values). */
    public void observe(FeatureList list) {
        float[] values = list.values();
        // per list, not per value: a square root per column, the averages move little in a list
        double[] reach = new double[features];
        for (int f = 0; f < features; f++) {
            reach[f] =
                    rows - since[f] >= CLIP_AFTER
                            ? Math.max(
                                    CLIP_DEVIATIONS * Math.sqrt(variance[f]),
                                    1.0 + Math.abs(mean[f]))
                            : Double.POSITIVE_INFINITY;
        }
        for (int c = 0; c < list.candidates(); c++) {
            rows++;
            double a = Math.max(1.0 / rows, 1.0 / horizon);
            int row = c * features;
            // one weight per run of columns appended together: a single run but after a migration
            int from = 0;
            for (int to : runEnds) {
                double w = Math.max(1.0 / (rows - since[from]), 1.0 / horizon);
                for (int f = from; f < to; f++) {
                    float x = values[row + f];
                    if (!Float.isFinite(x)) {
                        continue; // one would stay in the averages, and reach every later score
                    }
                    double delta = Math.max(-reach[f], Math.min(reach[f], x - mean[f]));
                    mean[f] += w * delta;
                    variance[f] = (1 - w) * (variance[f] + w * delta * delta);
                }
                from = to;
            }
            float[] context = list.context();
            for (int g = 0; g < FeatureList.CONTEXT; g++) {
                if (!Float.isFinite(context[g])) {
                    continue;
                }
                double delta = context[g] - contextMean[g];
                contextMean[g] += a * delta;
                contextVariance[g] = (1 - a) * (contextVariance[g] + a * delta * delta);
            }
        }
    }

    /** Standardises {@code list}'s values in place and returns it. */
    public FeatureList standardise(FeatureList list) {
        float[] values = list.values();
        // in float, as the scorer computes: a loop of one width the JIT vectorises
        float[] shift = new float[features];
        float[] scale = new float[features];
        for (int f = 0; f < features; f++) {
            shift[f] = (float) mean[f];
            scale[f] = variance[f] > EPSILON ? (float) (1.0 / Math.sqrt(variance[f])) : 0f;
        }
        for (int c = 0; c < list.candidates(); c++) {
            int row = c * features;
            for (int f = 0; f < features; f++) {
                values[row + f] = (values[row + f] - shift[f]) * scale[f];
            }
        }
        replaceNonFinite(values, list.candidates() * features);
        float[] context = list.context();
        for (int g = 0; g < FeatureList.CONTEXT; g++) {
            if (scalesContext(g)) {
                context[g] =
                        contextVariance[g] > EPSILON
                                ? (float)
                                        ((context[g] - contextMean[g])
                                                / Math.sqrt(contextVariance[g]))
                                : 0f;
            }
        }
        replaceNonFinite(context, FeatureList.CONTEXT);
        return list;
    }

    /**
     * Sets the standardised values that are not numbers (from a raw value that was not, or one too
     * large for a float) to 0, a standardised column's mean: the value says nothing, and the
     * scorer's weights must not learn from it. A loop apart from the standardising one, which stays
     * one the JIT vectorises.
     */
    private void replaceNonFinite(float[] values, int length) {
        for (int i = 0; i < length; i++) {
            if (!Float.isFinite(values[i])) {
                values[i] = 0f;
                nonFiniteValues++;
            }
        }
    }

    /**
     * The values {@link #standardise} has set to 0 since this scaler was made, because they were
     * not numbers: none, unless an input is broken. A list standardised twice (ranked, then its
     * training rows) counts a value twice.
     */
    public long nonFiniteValues() {
        return nonFiniteValues;
    }

    public long rows() {
        return rows;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(features);
        out.writeLong(rows);
        for (int f = 0; f < features; f++) {
            out.writeDouble(mean[f]);
            out.writeDouble(variance[f]);
        }
        for (int g = 0; g < FeatureList.CONTEXT; g++) {
            out.writeDouble(contextMean[g]);
            out.writeDouble(contextVariance[g]);
        }
        for (int f = 0; f < features; f++) {
            out.writeLong(since[f]);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into this scaler. A version 1 snapshot has no context
     * averages: they restart from zero and catch up within about a horizon. A snapshot of fewer
     * features (taken before features were appended) fills the first columns; the appended ones
     * start from zero mean and variance and count their rows from here, as in a new scaler.
     * Versions 1 and 2 had no appended columns.
     */
    public void readFrom(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown feature scaler version " + version);
        }
        int written = in.readInt();
        if (written <= 0 || written > features) {
            throw new IOException(
                    written + " scaled features written, at most " + features + " expected");
        }
        rows = in.readLong();
        readColumnAverages(in, written);
        readContextAverages(in, version);
        readColumnsSince(in, version, written);
        startAnewIfNotAllNumbers();
    }

    /** The first {@code written} columns' averages; the appended ones start from zero. */
    private void readColumnAverages(DataInput in, int written) throws IOException {
        for (int f = 0; f < written; f++) {
            mean[f] = in.readDouble();
            variance[f] = in.readDouble();
        }
        for (int f = written; f < features; f++) {
            mean[f] = 0.0;
            variance[f] = 0.0;
        }
    }

    private void readContextAverages(DataInput in, int version) throws IOException {
        for (int g = 0; g < FeatureList.CONTEXT; g++) {
            contextMean[g] = version == 1 ? 0.0 : in.readDouble();
            contextVariance[g] = version == 1 ? 0.0 : in.readDouble();
        }
    }

    /**
     * The row each of the first {@code written} columns counts from (0 before version 3), checked
     * to be within the rows and non-decreasing; the appended columns count from here. Then the
     * {@link #runEnds} of those rows.
     */
    private void readColumnsSince(DataInput in, int version, int written) throws IOException {
        for (int f = 0; f < written; f++) {
            since[f] = version < 3 ? 0L : in.readLong();
            if (since[f] < 0 || since[f] > rows || (f > 0 && since[f] < since[f - 1])) {
                throw new IOException("column " + f + " counted from row " + since[f]);
            }
        }
        Arrays.fill(since, written, features, rows);
        runEnds =
                IntStream.rangeClosed(1, features)
                        .filter(f -> f == features || since[f] != since[f - 1])
                        .toArray();
    }

    /**
     * A snapshot written before values that are not numbers were skipped may hold one: averages
     * holding one would make every score NaN from the restore on, so they start again as a new
     * scaler's.
     */
    private void startAnewIfNotAllNumbers() {
        if (!allFinite(mean)
                || !allFinite(variance)
                || !allFinite(contextMean)
                || !allFinite(contextVariance)) {
            LOG.warn(
                    "The feature scaler's snapshot holds averages that are not numbers: the scaler"
                            + " starts anew instead");
            rows = 0;
            Arrays.fill(mean, 0.0);
            Arrays.fill(variance, 0.0);
            Arrays.fill(contextMean, 0.0);
            Arrays.fill(contextVariance, 0.0);
            Arrays.fill(since, 0L);
            runEnds = new int[] {features};
        }
    }

    private static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
