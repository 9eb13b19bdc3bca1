package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void selectsBestFirstSkippingExcluded() {
        float[] scores = {0.1f, 0.9f, 0.5f, 0.7f, 0.3f, Float.NaN};
        assertThat(TopK.select(scores, 3, Set.of(1))).containsExactly(3, 2, 4);
        assertThat(TopK.select(scores, 10, Set.of())).containsExactly(1, 3, 2, 4, 0);
    }

    @Test
    void rankOfAgreesWithSelectIncludingTiesExclusionsAndNaN() {
        Random random = new Random(7);
        int hits = 0;
        for (int trial = 0; trial < 2000; trial++) {
            // few distinct values: many ties, which go to the lower index in both
            float[] scores = new float[1 + random.nextInt(60)];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = random.nextInt(20) == 0 ? Float.NaN : random.nextInt(8);
            }
            Set<Integer> excluded = new HashSet<>();
            for (int i = 0; i < scores.length; i++) {
                if (random.nextInt(5) == 0) {
                    excluded.add(i);
                }
            }
            int target = random.nextInt(scores.length);
            int k = 1 + random.nextInt(10);
            int expected = TopK.rank(TopK.select(scores, k, excluded), target);
            assertThat(TopK.rankOf(scores, target, k, excluded))
                    .as("trial %d", trial)
                    .isEqualTo(expected);
            hits += expected >= 0 ? 1 : 0;
        }
        assertThat(hits).as("both hits and misses are exercised").isBetween(200, 1800);
    }

    @Test
    void leadersAnswerAsSelectDoesEvenWhenTheWalkRunsOutOfThem() {
        Random random = new Random(11);
        int hits = 0;
        int walksRunOut = 0;
        TopK.Leaders leaders = new TopK.Leaders(6);
        for (int trial = 0; trial < 2000; trial++) {
            float[] scores = new float[1 + random.nextInt(60)];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = random.nextInt(20) == 0 ? Float.NaN : random.nextInt(8);
            }
            leaders.take(scores);
            int[] leading = TopK.select(scores, 6, Set.of());
            // up to half the items excluded: some users hold most of the leaders
            Set<Integer> excluded = new HashSet<>();
            int share = 1 + random.nextInt(2);
            for (int i = 0; i < scores.length; i++) {
                if (random.nextInt(4) < share) {
                    excluded.add(i);
                }
            }
            int target = random.nextInt(scores.length);
            int k = 1 + random.nextInt(5);
            int expected = TopK.rank(TopK.select(scores, k, excluded), target);
            assertThat(leaders.rankOf(target, k, excluded::contains))
                    .as("trial %d", trial)
                    .isEqualTo(expected);
            hits += expected >= 0 ? 1 : 0;
            long leadersKept = Arrays.stream(leading).filter(i -> !excluded.contains(i)).count();
            walksRunOut += leadersKept < k && TopK.rank(leading, target) < 0 ? 1 : 0;
        }
        assertThat(hits).as("both hits and misses are exercised").isBetween(200, 1800);
        assertThat(walksRunOut).as("walks that fall back to the scan").isGreaterThan(50);
    }

    @Test
    void rankOfAnItemNewerThanTheScoresIsAMiss() {
        assertThat(TopK.rankOf(new float[] {1f, 2f}, 2, 10, Set.of())).isEqualTo(-1);
    }
}
