package io.streamrec.serving;

import io.streamrec.eval.EventSample;
import java.io.Serializable;

/**
 * Settings of the serving and evaluation operator.
 *
 * @param evalWindowMs event-time window of the per-window quality figures
 * @param evalSampleRate share of events evaluated prequentially (chosen by event id, so the same
 *     events in every run); scoring every item per evaluated event is the pipeline's largest cost
 * @param annMinItems from this catalog size on, requests are answered through the approximate item
 *     index ({@link ServingModel#topK}), once it is built in the background; 0: never. Evaluation
 *     always ranks exactly
 * @param modelType the model that serves and is evaluated as "model"
 * @param ranker the learned ranker's settings ({@link ModelType#RANKER})
 * @param evaluationSliceNanos the longest stretch serving evaluates a marker batch's events (and
 *     the updates queued behind it) before it takes its input again, so that a request waits for at
 *     most about this long; 0: a batch runs whole when it arrives
 * @param reportOffTaskThread whether a checkpoint's eval report is encoded on a thread of its own
 *     and emitted when ready ({@link EvalReportPublisher}), or encoded and emitted before the
 *     barrier on the task thread
 */
public record ServingSettings(
        long evalWindowMs,
        double evalSampleRate,
        int annMinItems,
        ModelType modelType,
        RankerSettings ranker,
        long evaluationSliceNanos,
        boolean reportOffTaskThread)
        implements Serializable {

    public ServingSettings {
        if (evaluationSliceNanos < 0) {
            throw new IllegalArgumentException("an evaluation slice cannot be negative");
        }
    }

    /** Batches evaluated whole when they arrive, reports encoded on the task thread. */
    public ServingSettings(
            long evalWindowMs,
            double evalSampleRate,
            int annMinItems,
            ModelType modelType,
            RankerSettings ranker) {
        this(evalWindowMs, evalSampleRate, annMinItems, modelType, ranker, 0, false);
    }

    /** Settings of the factorization model alone ({@link ModelType#BPR}). */
    public ServingSettings(long evalWindowMs, double evalSampleRate, int annMinItems) {
        this(evalWindowMs, evalSampleRate, annMinItems, ModelType.BPR, null);
    }

    public ServingSettings withEvaluationSlice(long nanos) {
        return with(nanos, reportOffTaskThread);
    }

    public ServingSettings withReportOffTaskThread(boolean on) {
        return with(evaluationSliceNanos, on);
    }

    private ServingSettings with(long slice, boolean reportOff) {
        return new ServingSettings(
                evalWindowMs, evalSampleRate, annMinItems, modelType, ranker, slice, reportOff);
    }

    /** Whether the event with this id is one of the evaluated sample. */
    public boolean evaluates(String eventId) {
        return EventSample.includes(eventId, evalSampleRate);
    }
}
