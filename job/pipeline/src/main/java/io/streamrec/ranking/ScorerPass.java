package io.streamrec.ranking;

/**
 * Serving's float pass of the scorer over one list at a time: {@link ScorerForward} in plain Java,
 * or {@link VectorScorerForward} with the JDK's Vector API where the JVM has that module.
 */
interface ScorerPass {
    /** Scores of every candidate of {@code list} under parameters {@code p}. */
    float[] score(float[] p, FeatureList list);
}
