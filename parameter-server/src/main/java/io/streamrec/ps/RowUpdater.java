package io.streamrec.ps;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import java.io.Serializable;

/**
 * One gradient message applied to one parameter row: the optimizer step with frequency-adaptive L2,
 * the update and positive counters, and the decayed trend count. The parameter server applies it to
 * its rows, the workers to their optimistic local copies, the in-process benchmark loop to a plain
 * map: the same arithmetic everywhere.
 */
public final class RowUpdater implements Serializable {
    private static final long serialVersionUID = 1L;

    private final RowOptimizer optimizer;
    private final FrequencyAdaptiveL2 l2;
    private final RowInitializer initializer;
    private final double trendDecayPerMs;

    public RowUpdater(
            RowOptimizer optimizer,
            FrequencyAdaptiveL2 l2,
            RowInitializer initializer,
            long trendHalfLifeMs) {
        this.optimizer = optimizer;
        this.l2 = l2;
        this.initializer = initializer;
        this.trendDecayPerMs = Math.log(2) / trendHalfLifeMs;
    }

    /**
     * Applies {@code msg} to {@code current} (null: a row never seen, initialised from its key) and
     * returns the new row with its version advanced by one. A gradient with a value that is not a
     * number ({@link #isFinite}) moves no weight, since one NaN weight makes every score that reads
     * the row NaN, and through the users' queries every row trained beside it; its counters still
     * count, so every event is applied once either way. A row whose weights are already not all
     * numbers (restored from before) starts again from its initial weights.
     */
    public ParameterRow apply(ParameterRow current, ShardMessage msg) {
        float[] weights;
        float[] slots;
        long version = 0;
        long updates = 0;
        long positives = 0;
        float trend = 0f;
        long trendTime = msg.eventTime();
        if (current == null) {
            weights = initializer.initialWeights(msg.key());
            slots = optimizer.initSlots(weights);
        } else {
            // a row restored from before non-finite gradients were skipped would give NaN to every
            // gradient read from it: it starts again from its key, its counters kept
            boolean broken = !isFinite(current.weights());
            weights = broken ? initializer.initialWeights(msg.key()) : current.weights().clone();
            // rows read back from the serving side carry no optimizer slots
            slots =
                    !broken && current.slots().length == weights.length * optimizer.slotsPerWeight()
                            ? current.slots().clone()
                            : optimizer.initSlots(weights);
            version = current.version();
            updates = current.updates();
            positives = current.positives();
            trend = current.trend();
            trendTime = current.trendTime();
        }
        if (msg.gradient().length != weights.length) {
            throw widthMismatch(msg, weights.length);
        }
        if (isFinite(msg.gradient())) {
            optimizer.apply(weights, slots, msg.gradient(), l2.strength(updates));
        }
        if (msg.positives() > 0) {
            TrendCounter t =
                    new TrendCounter(trend, trendTime)
                            .add(msg.trendIncrement(), msg.eventTime(), trendDecayPerMs);
            trend = t.value();
            trendTime = t.time();
        }
        return new ParameterRow(
                msg.key(),
                weights,
                slots,
                version + 1,
                updates + msg.contributions(),
                positives + msg.positives(),
                trend,
                trendTime);
    }

    /**
     * Names the side written under another {@code model.dim}: the row (restored state) or the
     * gradient. The job cannot go on with either; the message says what to change.
     */
    private RowWidthMismatchException widthMismatch(ShardMessage msg, int rowWidth) {
        int expected = expectedWidth(msg.key());
        String odd =
                rowWidth != expected
                        ? "row " + msg.key() + " (restored state) has " + rowWidth + " weights"
                        : "a gradient of row "
                                + msg.key()
                                + " has "
                                + msg.gradient().length
                                + " values, the row has "
                                + rowWidth;
        return new RowWidthMismatchException(odd, expected);
    }

    /**
     * Whether every value of {@code values} (a gradient, a row's weights) is a number: NaN and
     * infinities are not.
     */
    public static boolean isFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** How many weights this job's {@code model.dim} gives the row {@code key}. */
    public int expectedWidth(String key) {
        return initializer.initialWeights(key).length;
    }

    /**
     * Fails with {@link RowWidthMismatchException} when a restored row's width is not the one this
     * job's {@code model.dim} gives it.
     */
    public void checkRestored(ParameterRow row) {
        int expected = expectedWidth(row.key());
        if (row.weights().length != expected) {
            throw new RowWidthMismatchException(
                    "row "
                            + row.key()
                            + " (restored state) has "
                            + row.weights().length
                            + " weights",
                    expected);
        }
    }
}
