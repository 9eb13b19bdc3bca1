package io.streamrec.ranking;

/**
 * The mean loss of a micro-batch and its gradient with respect to the flat parameters.
 *
 * @param loss {@code Σ weight · listLoss / lists}
 * @param gradient one entry per parameter, laid out as {@link ScorerLayout} says
 * @param lists how many lists contributed
 */
public record ScorerGradients(double loss, float[] gradient, int lists) {}
