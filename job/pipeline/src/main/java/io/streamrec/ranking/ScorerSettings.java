package io.streamrec.ranking;

/**
 * How the {@link ListwiseScorer} learns and starts.
 *
 * @param learningRate AdaGrad's step size
 * @param initialAccumulator AdaGrad's starting squared-gradient sum: damps the first steps
 * @param l2 L2 strength added to every gradient
 * @param seed seeds the initial hidden layer
 * @param hiddenLayer whether the hidden layer is on; off, its parameters stay zero (an ablation)
 * @param contextGating whether the context gates the linear weights; off, only the ungated row
 *     learns (an ablation)
 */
public record ScorerSettings(
        double learningRate,
        double initialAccumulator,
        double l2,
        long seed,
        boolean hiddenLayer,
        boolean contextGating) {

    public static ScorerSettings defaults() {
        return new ScorerSettings(0.05, 0.1, 0.0, 42L, true, true);
    }

    public ScorerSettings withLearningRate(double rate) {
        return new ScorerSettings(rate, initialAccumulator, l2, seed, hiddenLayer, contextGating);
    }

    public ScorerSettings withInitialAccumulator(double accumulator) {
        return new ScorerSettings(learningRate, accumulator, l2, seed, hiddenLayer, contextGating);
    }

    public ScorerSettings withSeed(long newSeed) {
        return new ScorerSettings(
                learningRate, initialAccumulator, l2, newSeed, hiddenLayer, contextGating);
    }

    public ScorerSettings withHiddenLayer(boolean on) {
        return new ScorerSettings(learningRate, initialAccumulator, l2, seed, on, contextGating);
    }

    public ScorerSettings withContextGating(boolean on) {
        return new ScorerSettings(learningRate, initialAccumulator, l2, seed, hiddenLayer, on);
    }
}
