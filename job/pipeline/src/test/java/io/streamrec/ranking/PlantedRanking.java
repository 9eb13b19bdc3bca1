package io.streamrec.ranking;

import java.util.List;
import java.util.Random;

/**
 * A synthetic ranking problem with a known answer: each list's target is the argmax of a hidden
 * linear function of the features, a different one for new users, so the context gates matter.
 */
final class PlantedRanking {
    final int features;
    private final float[] hidden;
    private final float[] hiddenForNewUsers;
    private final Random random;

    PlantedRanking(int features, long seed) {
        this.features = features;
        this.random = new Random(seed);
        this.hidden = direction(random, features);
        this.hiddenForNewUsers = direction(random, features);
    }

    private static float[] direction(Random random, int features) {
        float[] v = new float[features];
        for (int i = 0; i < features; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** {@code count} fresh lists of {@code minCandidates..maxCandidates} candidates. */
    List<FeatureList> lists(int count, int minCandidates, int maxCandidates) {
        return RandomLists.lists(random, count, minCandidates, maxCandidates, features);
    }

    /** Index of the candidate the hidden function ranks first in each list. */
    int[] targets(List<FeatureList> lists) {
        int[] targets = new int[lists.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = argmax(truth(lists.get(i)));
        }
        return targets;
    }

    private double[] truth(FeatureList list) {
        float[] v = list.context()[1] > 0 ? hiddenForNewUsers : hidden;
        double[] scores = new double[list.candidates()];
        for (int c = 0; c < scores.length; c++) {
            for (int i = 0; i < features; i++) {
                scores[c] += v[i] * list.value(c, i);
            }
        }
        return scores;
    }

    /** Share of lists whose top-scored candidate is the target. */
    static double topOneAccuracy(ListwiseScorer scorer, List<FeatureList> lists, int[] targets) {
        int hits = 0;
        for (int i = 0; i < lists.size(); i++) {
            float[] s = scorer.scores(lists.get(i));
            double[] asDouble = new double[s.length];
            for (int c = 0; c < s.length; c++) {
                asDouble[c] = s[c];
            }
            if (argmax(asDouble) == targets[i]) {
                hits++;
            }
        }
        return hits / (double) lists.size();
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
