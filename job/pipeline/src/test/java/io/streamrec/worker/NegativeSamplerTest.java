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
    private static final String[] NONE = new String[0];

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
                String[] negatives = inOrder.sample("u1", "e" + e, "i5", NONE, 4);
                assertThat(reordered.sample("u1", "e" + e, "i5", NONE, 4))
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
            assertThat(restored.sample("u1", "e" + e, "i9", NONE, 2))
                    .as("event e%d", e)
                    .containsExactly(running.sample("u1", "e" + e, "i9", NONE, 2));
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
            counts.merge(sampler.sample("u1", "e" + e, "none", NONE, 1)[0], 1, Integer::sum);
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
     * first) still draws the same negatives for nearly every event, while both know fewer than 256
     * items or both at least 256 (see {@link #crossingTheScanThresholdRedrawsNearlyEveryNegative}).
     */
    @ParameterizedTest(name = "{0} items")
    @ValueSource(ints = {100, 300, 5_000})
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
                                        List.of(before.sample("u1", "e" + e, "i5", NONE, 4))
                                                .equals(
                                                        List.of(
                                                                after.sample(
                                                                        "u1", "e" + e, "i5", NONE,
                                                                        4))))
                        .count();
        // each of 4 draws changes with probability about 1%
        assertThat(same).isGreaterThan(events * 9 / 10);
    }

    /**
     * Below {@value #SCAN_ALL_BELOW} known items a draw scans them all, from that many it picks a
     * bucket first: the two use the random stream differently, so a run that knows 255 items and a
     * replay that knows 256 draw different negatives for nearly every event (docs/model.md says
     * so), while one more item on either side changes few draws.
     */
    @Test
    void crossingTheScanThresholdRedrawsNearlyEveryNegative() {
        assertThat(sameDraws(SCAN_ALL_BELOW - 1, SCAN_ALL_BELOW)).isLessThan(400); // of 4,000
        assertThat(sameDraws(SCAN_ALL_BELOW - 2, SCAN_ALL_BELOW - 1)).isGreaterThan(3_600);
        assertThat(sameDraws(SCAN_ALL_BELOW, SCAN_ALL_BELOW + 1)).isGreaterThan(3_600);
    }

    /** NegativeSampler's threshold, which is private. */
    private static final int SCAN_ALL_BELOW = 256;

    /** Of 1,000 events' 4 negatives each, how many are the same knowing n or m items. */
    private static int sameDraws(int n, int m) {
        NegativeSampler a = sampler(items(n), 0.0);
        NegativeSampler b = sampler(items(m), 0.0);
        int same = 0;
        for (int e = 0; e < 1_000; e++) {
            String[] x = a.sample("u1", "e" + e, "i5", NONE, 4);
            String[] y = b.sample("u1", "e" + e, "i5", NONE, 4);
            for (int j = 0; j < 4; j++) {
                same += x[j].equals(y[j]) ? 1 : 0;
            }
        }
        return same;
    }

    /** Standard BPR: the user's own items are no negatives for them (they are in q(u) too). */
    @ParameterizedTest(name = "recent fraction {0}")
    @ValueSource(doubles = {0.0, 0.5})
    void neverDrawsTheUsersItemsWhileOthersAreLeft(double recentFraction) {
        NegativeSampler sampler = sampler(items(300), recentFraction);
        String[] history = items(100).toArray(String[]::new); // i0..i99, i3 and i4 recent too
        List<String> own = List.of(history);
        for (int e = 0; e < 2_000; e++) {
            String[] negatives = sampler.sample("u1", "e" + e, "i200", history, 4);
            assertThat(negatives)
                    .as("event e%d", e)
                    .doesNotContain("i200")
                    .doesNotHaveDuplicates()
                    .noneMatch(own::contains);
        }
    }

    /**
     * A user whose items cover all the catalog but the positive still gets negatives: their own
     * items then, never the positive.
     */
    @Test
    void fallsBackToTheUsersItemsNotThePositiveWhenNothingElseIsLeft() {
        NegativeSampler sampler = sampler(items(10), 0.0);
        String[] history = items(9).toArray(String[]::new);
        for (int e = 0; e < 500; e++) {
            assertThat(sampler.sample("u1", "e" + e, "i9", history, 4))
                    .as("event e%d", e)
                    .doesNotContain("i9")
                    .doesNotHaveDuplicates()
                    .hasSize(4);
        }
    }

    /** In a tiny catalog the attempts run out: the positive still never is its own negative. */
    @Test
    void theEventsItemIsNeverItsOwnNegativeWhileAnotherItemIsKnown() {
        NegativeSampler sampler = sampler(items(5), 0.0);
        for (int e = 0; e < 50_000; e++) {
            assertThat(sampler.sample("u1", "e" + e, "i2", NONE, 4))
                    .as("event e%d", e)
                    .doesNotContain("i2");
        }
        NegativeSampler two = new NegativeSampler(7L);
        List.of("a", "b").forEach(two::add);
        for (int e = 0; e < 2_000; e++) {
            assertThat(two.sample("u1", "e" + e, "a", new String[] {"b"}, 3))
                    .containsExactly("b", "b", "b");
        }
    }

    /** Only the positive known (a fresh job's first event): every negative is the positive. */
    @Test
    void drawsThePositiveOnlyWhenItIsTheOnlyKnownItem() {
        NegativeSampler sampler = new NegativeSampler(7L);
        sampler.add("a");
        assertThat(sampler.sample("u1", "e1", "a", NONE, 2)).containsExactly("a", "a");
    }

    /** Event ids are unique per user only (e1, e2, ...): another user's e1 draws independently. */
    @Test
    void theSameEventIdOfTwoUsersDrawsDifferentNegatives() {
        NegativeSampler sampler = sampler(items(1_000), 0.0);
        long same =
                IntStream.range(0, 500)
                        .filter(
                                e ->
                                        List.of(sampler.sample("u1", "e" + e, "i5", NONE, 4))
                                                .equals(
                                                        List.of(
                                                                sampler.sample(
                                                                        "u2", "e" + e, "i5", NONE,
                                                                        4))))
                        .count();
        assertThat(same).isZero();
    }
}
