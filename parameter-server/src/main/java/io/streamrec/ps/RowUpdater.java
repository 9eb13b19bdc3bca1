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

    /** Not checkpointed: a diagnostic of this instance ({@link #skippedSteps}). */
    private transient long skippedSteps;

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
     * count, so every event is applied once either way. Nor does a finite gradient so large that
     * the step would leave a weight or an optimizer slot that is not a number: a sum of squares
     * past {@link Float#MAX_VALUE} stored as infinity makes FTRL's next weight NaN and freezes an
     * AdaGrad row for good. A row whose weights are already not all numbers (restored from before)
     * starts again from its initial weights; one whose slots alone are not keeps its weights and
     * starts its slots anew.
     */
    public ParameterRow apply(ParameterRow current, ShardMessage msg) {
        Start stepped = stepped(current, msg);
        boolean seen = current != null;
        // a trend that is not a number (a corrupt checkpoint, another writer of the topic) would
        // stay so through every later positive: it starts again, as weights that are not do
        float trend = seen && Float.isFinite(current.trend()) ? current.trend() : 0f;
        long trendTime = seen ? current.trendTime() : msg.eventTime();
        long oldestNewPositiveTime = seen ? current.oldestNewPositiveTime() : msg.eventTime();
        if (msg.positives() > 0) {
            TrendCounter t =
                    new TrendCounter(trend, trendTime)
                            .add(msg.trendIncrement(), msg.eventTime(), trendDecayPerMs);
            if (Float.isFinite(t.value())) { // else an increment that is not a number: skipped
                trend = t.value();
                trendTime = t.time();
            }
            // this version's own positives: the parameter server emits every version it makes
            oldestNewPositiveTime = msg.oldestPositiveTime();
        }
        return new ParameterRow(
                msg.key(),
                stepped.weights(),
                stepped.slots(),
                (seen ? current.version() : 0) + 1,
                (seen ? current.updates() : 0) + msg.contributions(),
                (seen ? current.positives() : 0) + msg.positives(),
                trend,
                trendTime,
                oldestNewPositiveTime);
    }

    /**
     * The weights and slots after {@code msg}'s gradient step on {@code current}, or as they were
     * before it where the gradient, or what the step gave, is not all numbers (a skipped step).
     */
    private Start stepped(ParameterRow current, ShardMessage msg) {
        long updates = current == null ? 0 : current.updates();
        double strength = l2.strength(updates);
        Start start = start(current, msg.key(), strength);
        if (msg.gradient().length != start.weights().length) {
            throw widthMismatch(msg, start.weights().length);
        }
        if (!isFinite(msg.gradient())) {
            skippedSteps++;
            return start;
        }
        optimizer.apply(start.weights(), start.slots(), msg.gradient(), strength);
        if (!isFinite(start.weights()) || !isFinite(start.slots())) {
            // the step overflowed the row's floats: the row stays as it was before it
            Start unchanged = start(current, msg.key(), strength);
            skippedSteps++;
            return unchanged;
        }
        return start;
    }

    /**
     * The gradient steps {@link #apply} did not take since this instance was made (or
     * deserialised), because the gradient, or the weights or slots the step gave, were not all
     * numbers. None, unless an input is broken.
     */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The weights and optimizer slots a step starts from, copies it may change. */
    private record Start(float[] weights, float[] slots) {}

    /**
     * What a step on {@code current} (null: a row never seen) starts from. A row restored from
     * before non-finite gradients were skipped would give NaN to every gradient read from it: it
     * starts again from its key (its counters are kept by the caller), with new slots. Rows read
     * back from the serving side carry no slots, and a row whose slots alone are not all numbers
     * keeps its weights and takes new slots: the optimizer's memory of past gradients is lost. New
     * slots are made for {@code strength}, the strength of the step that follows (FTRL's hold the
     * weights only under it).
     */
    private Start start(ParameterRow current, String key, double strength) {
        if (current == null || !isFinite(current.weights())) {
            float[] weights = initializer.initialWeights(key);
            return new Start(weights, optimizer.initSlots(weights, strength));
        }
        float[] weights = current.weights().clone();
        float[] slots =
                current.slots().length == weights.length * optimizer.slotsPerWeight()
                                && isFinite(current.slots())
                        ? current.slots().clone()
                        : optimizer.initSlots(weights, strength);
        return new Start(weights, slots);
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

    /**
     * {@code row} as a copy of the model holds it: itself, or, where its weights are not all
     * numbers (a checkpoint of an earlier version, a writer of the topic other than the job), its
     * initial weights and no optimizer slots, as the parameter server starts such a row again at
     * its next gradient ({@link #apply} gives a row without slots fresh ones). One NaN weight would
     * make every score that reads it NaN. A trend that is not a number reads as 0, as the parameter
     * server starts it again: the workers' item features take its logarithm.
     */
    public static ParameterRow withFiniteWeights(ParameterRow row, RowInitializer initializer) {
        if (row.isTombstone() || isFinite(row.weights()) && Float.isFinite(row.trend())) {
            return row;
        }
        boolean finiteWeights = isFinite(row.weights());
        return new ParameterRow(
                row.key(),
                finiteWeights ? row.weights() : initialWeights(row, initializer),
                finiteWeights ? row.slots() : new float[0],
                row.version(),
                row.updates(),
                row.positives(),
                Float.isFinite(row.trend()) ? row.trend() : 0f,
                row.trendTime(),
                row.oldestNewPositiveTime());
    }

    private static float[] initialWeights(ParameterRow row, RowInitializer initializer) {
        float[] initial;
        try {
            initial = initializer.initialWeights(row.key());
        } catch (IllegalArgumentException noSuchKind) {
            // a row of no kind this job makes (another writer of the topic): nothing reads it,
            // and an exception would fail the reader at every restart
            initial = new float[row.weights().length];
        }
        return initial;
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
