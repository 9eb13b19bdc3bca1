package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NegativeSamplerTest {

    private static List<String> items(int n) {
        return IntStream.range(0, n).mapToObj(i -> "i" + i).toList();
    }

    private static NegativeSampler sampler(List<String> items, double recentFraction) {
        NegativeSampler sampler = new NegativeSampler(7L, recentFraction, 10);
        items.forEach(sampler::add);
        List.of("i3", "i4", "i3").forEach(sampler::recordPositive);
        return sampler;
    }

    /**
     * After a restart the worker learns the same items in another order (catalog and feedback rows
     * first, then events): a replayed event must draw the same negatives.
     */
    @ParameterizedTest(name = "{0} items")
    @ValueSource(ints = {30, 5_000})
    void drawsTheSameNegativesWhateverTheOrderTheItemsArrivedIn(int n) {
        List<String> shuffled = new ArrayList<>(items(n));
        Collections.shuffle(shuffled, new Random(3L));
        for (double recentFraction : new double[] {0.0, 0.5}) {
            NegativeSampler inOrder = sampler(items(n), recentFraction);
            NegativeSampler reordered = sampler(shuffled, recentFraction);
            for (int e = 0; e < 200; e++) {
                String[] negatives = inOrder.sample("e" + e, "i5", 4);
                assertThat(reordered.sample("e" + e, "i5", 4))
                        .as("event e%d, recent fraction %s", e, recentFraction)
                        .containsExactly(negatives);
                assertThat(negatives).doesNotContain("i5").doesNotHaveDuplicates();
            }
        }
    }

    /**
     * A ring of recent positives that has wrapped, checkpointed oldest first and restored, draws
     * the same negatives as the ring it was taken from.
     */
    @Test
    void aRestoredRingOfRecentPositivesDrawsAsTheCheckpointedOne() {
        NegativeSampler running = new NegativeSampler(7L, 1.0, 3);
        items(50).forEach(running::add);
        List.of("i1", "i2", "i3", "i4").forEach(running::recordPositive); // wraps: i2, i3, i4
        NegativeSampler restored = new NegativeSampler(7L, 1.0, 3);
        items(50).forEach(restored::add);
        assertThat(running.recentPositives()).containsExactly("i2", "i3", "i4");
        running.recentPositives().forEach(restored::recordPositive);

        for (int e = 0; e < 100; e++) {
            assertThat(restored.sample("e" + e, "i9", 2))
                    .as("event e%d", e)
                    .containsExactly(running.sample("e" + e, "i9", 2));
        }
    }

    /** Every item is about equally likely: the counts pass a chi-square test at the 0.1% level. */
    @ParameterizedTest(name = "{0} items")
    @ValueSource(ints = {100, 1_000})
    void drawsEachItemEquallyOften(int n) {
        NegativeSampler sampler = sampler(items(n), 0.0);
        int draws = 200 * n;
        Map<String, Integer> counts = new HashMap<>();
        for (int e = 0; e < draws; e++) {
            counts.merge(sampler.sample("e" + e, "none", 1)[0], 1, Integer::sum);
        }
        double expected = (double) draws / n;
        double chiSquare =
                items(n).stream()
                        .mapToDouble(i -> counts.getOrDefault(i, 0) - expected)
                        .map(d -> d * d / expected)
                        .sum();
        // the 99.9% quantile of chi-square with n - 1 degrees of freedom, Wilson-Hilferty
        double z = 3.09;
        double df = n - 1;
        double quantile = df * Math.pow(1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df)), 3);
        assertThat(chiSquare).isLessThan(quantile);
    }

    /**
     * A replay that knows a few more items (the restarted worker read feedback rows of later items
     * first) still draws the same negatives for nearly every event.
     */
    @ParameterizedTest(name = "{0} items")
    @ValueSource(ints = {300, 5_000})
    void aFewMoreKnownItemsChangeFewDraws(int n) {
        NegativeSampler before = sampler(items(n), 0.0);
        List<String> more = new ArrayList<>(items(n));
        IntStream.range(0, n / 100).forEach(i -> more.add("new" + i));
        NegativeSampler after = sampler(more, 0.0);
        int events = 2_000;
        long same =
                IntStream.range(0, events)
                        .filter(
                                e ->
                                        List.of(before.sample("e" + e, "i5", 4))
                                                .equals(List.of(after.sample("e" + e, "i5", 4))))
                        .count();
        // each of 4 draws changes with probability about 1%
        assertThat(same).isGreaterThan(events * 9 / 10);
    }
}
