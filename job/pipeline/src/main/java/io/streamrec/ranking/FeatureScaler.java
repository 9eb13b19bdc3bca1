package io.streamrec.ranking;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Standardises feature columns with a running mean and variance, so that every feature reaches the
 * scorer at unit scale whatever its units (AdaGrad then steps every weight alike). The averages
 * weigh each row {@code max(1/n, 1/horizon)}: a plain mean over the first rows, then an exponential
 * average over about the last {@code horizon} rows, following drift. Columns with no variance
 * (switched off, or constant so far) stay zero.
 */
public final class FeatureScaler {
    private static final int VERSION = 1;
    private static final double EPSILON = 1e-8;

    private final int features;
    private final double horizon;
    private final double[] mean;
    private final double[] variance;
    private long rows;

    public FeatureScaler(int features, double horizon) {
        this.features = features;
        this.horizon = horizon;
        this.mean = new double[features];
        this.variance = new double[features];
    }

    /** Learns the mean and variance from every row of {@code list} (raw values). */
    public void observe(FeatureList list) {
        float[] values = list.values();
        for (int c = 0; c < list.candidates(); c++) {
            rows++;
            double a = Math.max(1.0 / rows, 1.0 / horizon);
            int row = c * features;
            for (int f = 0; f < features; f++) {
                double delta = values[row + f] - mean[f];
                mean[f] += a * delta;
                variance[f] = (1 - a) * (variance[f] + a * delta * delta);
            }
        }
    }

    /** Standardises {@code list}'s values in place and returns it. */
    public FeatureList standardise(FeatureList list) {
        float[] values = list.values();
        float[] scale = new float[features];
        for (int f = 0; f < features; f++) {
            scale[f] = variance[f] > EPSILON ? (float) (1.0 / Math.sqrt(variance[f])) : 0f;
        }
        for (int c = 0; c < list.candidates(); c++) {
            int row = c * features;
            for (int f = 0; f < features; f++) {
                values[row + f] = (float) ((values[row + f] - mean[f]) * scale[f]);
            }
        }
        return list;
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
    }

    /** Reads what {@link #writeTo} wrote into this scaler (same feature count). */
    public void readFrom(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown feature scaler version " + version);
        }
        int written = in.readInt();
        if (written != features) {
            throw new IOException(written + " scaled features written, " + features + " expected");
        }
        rows = in.readLong();
        for (int f = 0; f < features; f++) {
            mean[f] = in.readDouble();
            variance[f] = in.readDouble();
        }
    }
}
