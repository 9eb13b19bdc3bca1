package io.streamrec.serving;

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
 */
public record ServingSettings(
        long evalWindowMs,
        double evalSampleRate,
        int annMinItems,
        ModelType modelType,
        RankerSettings ranker)
        implements Serializable {

    /** Settings of the factorization model alone ({@link ModelType#BPR}). */
    public ServingSettings(long evalWindowMs, double evalSampleRate, int annMinItems) {
        this(evalWindowMs, evalSampleRate, annMinItems, ModelType.BPR, null);
    }

    /** Whether the event with this id is one of the evaluated sample. */
    public boolean evaluates(String eventId) {
        if (evalSampleRate >= 1.0) {
            return true;
        }
        // a mixed hash: String.hashCode's low bits follow the id's last characters
        long h = eventId.hashCode() * 0x9E3779B97F4A7C15L;
        return ((h >>> 40) & 0xFFFFFF) < evalSampleRate * 0x1000000;
    }
}
