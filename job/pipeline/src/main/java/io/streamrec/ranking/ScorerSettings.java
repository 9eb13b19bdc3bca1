package io.streamrec.ranking;

/**
 * How the {@link ListwiseScorer} learns and starts.
 *
 * @param learningRate AdaGrad's step size
 * @param initialAccumulator AdaGrad's starting squared-gradient sum: damps the first steps
 * @param l2 L2 strength added to every gradient
 * @param seed seeds the initial hidden layer
 */
public record ScorerSettings(double learningRate, double initialAccumulator, double l2, long seed) {

    public static ScorerSettings defaults() {
        return new ScorerSettings(0.05, 0.1, 0.0, 42L);
    }

    public ScorerSettings withLearningRate(double rate) {
        return new ScorerSettings(rate, initialAccumulator, l2, seed);
    }

    public ScorerSettings withSeed(long newSeed) {
        return new ScorerSettings(learningRate, initialAccumulator, l2, newSeed);
    }
}
