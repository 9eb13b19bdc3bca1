package io.streamrec.ranking;

/**
 * How the {@link ListwiseScorer} learns and starts.
 *
 * @param learningRate AdaGrad's step size
 * @param initialAccumulator AdaGrad's starting squared-gradient sum: damps the first steps
 * @param l2 L2 strength added to every gradient
 * @param seed seeds the initial hidden layer (and DP-SGD's noise only for {@link
 *     ListwiseScorer#withSeededNoise}; otherwise the noise is unseeded)
 * @param hiddenLayer whether the hidden layer is on; off, its parameters stay zero (an ablation)
 * @param contextGating whether the context gates the linear weights; off, only the ungated row
 *     learns (an ablation)
 * @param clipNorm each training list's gradient is clipped to this L2 norm before the batch's are
 *     summed; 0: off (one batched pass, no per-list gradients)
 * @param noiseMultiplier DP-SGD: Gaussian noise of standard deviation {@code noiseMultiplier ·
 *     clipNorm} is added to the sum of the clipped gradients; 0: off. Needs {@code clipNorm > 0}
 */
public record ScorerSettings(
        double learningRate,
        double initialAccumulator,
        double l2,
        long seed,
        boolean hiddenLayer,
        boolean contextGating,
        double clipNorm,
        double noiseMultiplier) {

    public ScorerSettings {
        // a step of NaN, infinite or negative size would ruin every score, or climb the loss
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learning rate must be > 0 and finite: " + learningRate);
        }
        if (!(initialAccumulator >= 0) || Double.isInfinite(initialAccumulator)) {
            throw new IllegalArgumentException(
                    "initial accumulator must be >= 0 and finite: " + initialAccumulator);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0 and finite: " + l2);
        }
        if (!(clipNorm >= 0) || !(noiseMultiplier >= 0)) {
            throw new IllegalArgumentException(
                    "clip norm and noise multiplier must be >= 0: "
                            + clipNorm
                            + ", "
                            + noiseMultiplier);
        }
    }

    /** Checks what the settings need together: DP-SGD noise is scaled by the clip norm. */
    public ScorerSettings validated() {
        if (noiseMultiplier > 0 && (clipNorm == 0 || Double.isInfinite(clipNorm))) {
            throw new IllegalArgumentException(
                    "DP-SGD noise (multiplier "
                            + noiseMultiplier
                            + ") needs a finite clip norm > 0, not "
                            + clipNorm);
        }
        return this;
    }

    /** Without clipping or noise. */
    public ScorerSettings(
            double learningRate,
            double initialAccumulator,
            double l2,
            long seed,
            boolean hiddenLayer,
            boolean contextGating) {
        this(learningRate, initialAccumulator, l2, seed, hiddenLayer, contextGating, 0, 0);
    }

    public static ScorerSettings defaults() {
        return new ScorerSettings(0.05, 0.1, 0.0, 42L, true, true);
    }

    public ScorerSettings withLearningRate(double rate) {
        return new ScorerSettings(
                rate,
                initialAccumulator,
                l2,
                seed,
                hiddenLayer,
                contextGating,
                clipNorm,
                noiseMultiplier);
    }

    public ScorerSettings withInitialAccumulator(double accumulator) {
        return new ScorerSettings(
                learningRate,
                accumulator,
                l2,
                seed,
                hiddenLayer,
                contextGating,
                clipNorm,
                noiseMultiplier);
    }

    public ScorerSettings withSeed(long newSeed) {
        return new ScorerSettings(
                learningRate,
                initialAccumulator,
                l2,
                newSeed,
                hiddenLayer,
                contextGating,
                clipNorm,
                noiseMultiplier);
    }

    public ScorerSettings withHiddenLayer(boolean on) {
        return new ScorerSettings(
                learningRate,
                initialAccumulator,
                l2,
                seed,
                on,
                contextGating,
                clipNorm,
                noiseMultiplier);
    }

    public ScorerSettings withContextGating(boolean on) {
        return new ScorerSettings(
                learningRate,
                initialAccumulator,
                l2,
                seed,
                hiddenLayer,
                on,
                clipNorm,
                noiseMultiplier);
    }

    /** Per-list gradient clipping to {@code norm} (0: off); an infinite norm clips nothing. */
    public ScorerSettings withClipNorm(double norm) {
        return new ScorerSettings(
                learningRate,
                initialAccumulator,
                l2,
                seed,
                hiddenLayer,
                contextGating,
                norm,
                noiseMultiplier);
    }

    /** DP-SGD noise of {@code multiplier} times the clip norm (0: off). */
    public ScorerSettings withNoiseMultiplier(double multiplier) {
        return new ScorerSettings(
                learningRate,
                initialAccumulator,
                l2,
                seed,
                hiddenLayer,
                contextGating,
                clipNorm,
                multiplier);
    }

    /** Whether each list's gradient is computed and clipped on its own. */
    public boolean clips() {
        return clipNorm > 0;
    }

    /** Whether DP-SGD noise is added. */
    public boolean addsNoise() {
        return noiseMultiplier > 0;
    }
}
