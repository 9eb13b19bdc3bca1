package io.streamrec.ranking;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded feature lists and parameters for the scorer's tests. */
final class RandomLists {
    private RandomLists() {}

    /** A list of standard-normal features and a plausible context. */
    static FeatureList list(Random random, int candidates, int features) {
        float[] values = new float[candidates * features];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return new FeatureList(candidates, features, values, context(random));
    }

    /** [1, new user, within 30 min, log activity, returning after 30 d]. */
    static float[] context(Random random) {
        boolean newUser = random.nextInt(4) == 0;
        return new float[] {
            1f,
            newUser ? 1f : 0f,
            random.nextBoolean() ? 1f : 0f,
            newUser ? 0f : (float) Math.log1p(random.nextInt(200)),
            !newUser && random.nextInt(5) == 0 ? 1f : 0f
        };
    }

    /** Lists of lengths drawn from {@code [minCandidates, maxCandidates]}. */
    static List<FeatureList> lists(
            Random random, int count, int minCandidates, int maxCandidates, int features) {
        List<FeatureList> lists = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int candidates = minCandidates + random.nextInt(maxCandidates - minCandidates + 1);
            lists.add(list(random, candidates, features));
        }
        return lists;
    }

    static int[] targets(Random random, List<FeatureList> lists) {
        int[] targets = new int[lists.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = random.nextInt(lists.get(i).candidates());
        }
        return targets;
    }

    /** Parameters with every block, W included, away from zero. */
    static float[] parameters(Random random, ScorerLayout layout) {
        float[] p = new float[layout.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (random.nextGaussian() * 0.4);
        }
        return p;
    }
}
