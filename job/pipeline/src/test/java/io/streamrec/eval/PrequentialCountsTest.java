package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.OptionalDouble;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PrequentialCountsTest {
    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    @Test
    void hitRateAndNdcgOfAHandMadeStream() throws Exception {
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, -1, 2, -1});
        c.record(0L, new int[] {1, -1, -1, 0});
        c.record(7L, new int[] {-1, 0, -1, -1});
        c.record(7L, new int[] {9, -1, 0, 1});
        assertThat(c.events()).isEqualTo(4);
        assertThat(c.hitRate(0)).isEqualTo(0.75);
        assertThat(c.hitRate(1)).isEqualTo(0.25);
        assertThat(c.hitRate(2)).isEqualTo(0.5);
        assertThat(c.hitRate(3)).isEqualTo(0.5);
        // NDCG@10 with one relevant item: 1/log2(rank + 2)
        double expected = (1.0 + 1 / LOG2_3 + 1 / (Math.log(11) / Math.log(2))) / 4;
        assertThat(c.ndcg(0)).isCloseTo(expected, within(1e-12));
        assertThat(c.ndcg(3)).isCloseTo((1.0 + 1 / LOG2_3) / 4, within(1e-12));
        assertThat(c.windows()).containsOnlyKeys(0L, 7L);

        PrequentialCounts copy =
                PrequentialCountsSerializer.INSTANCE.fromBytes(
                        PrequentialCountsSerializer.INSTANCE.toBytes(c));
        assertThat(copy.ndcg(0)).isEqualTo(c.ndcg(0));
        assertThat(copy.hitRate(3)).isEqualTo(0.5);
        assertThat(copy.subtask()).isZero();
    }

    /**
     * Counts of {@code windows} windows a week apart, from week 0: in window w, w % 3 + 1 events,
     * the model hitting at rank 0 in the first of them and missing the rest.
     */
    private static PrequentialCounts weeks(int subtask, int from, int windows) {
        PrequentialCounts c = new PrequentialCounts(subtask);
        for (int w = from; w < from + windows; w++) {
            for (int e = 0; e <= w % 3; e++) {
                c.record(w * WEEK, new int[] {e == 0 ? 0 : -1, -1, -1, -1});
            }
        }
        return c;
    }

    private static final long WEEK = 604_800_000L;

    /** Events and model hits of windows {@code from} to {@code to} (excluded) of {@link #weeks}. */
    private static double[] eventsAndHits(int from, int to) {
        double events = 0;
        for (int w = from; w < to; w++) {
            events += w % 3 + 1;
        }
        return new double[] {events, to - from};
    }

    @Test
    void theOldestWindowsFoldIntoOneEarlierTotalAndTheWholeStaysExact() throws Exception {
        int max = PrequentialCounts.MAX_WINDOWS;
        PrequentialCounts c = weeks(0, 0, max + 10);

        assertThat(c.windows()).hasSize(max);
        assertThat(c.windows().keySet().iterator().next()).isEqualTo(10 * WEEK);
        double[] folded = eventsAndHits(0, 10);
        assertThat(c.earlier()[0]).isEqualTo(folded[0]);
        assertThat(c.earlier()[1]).isEqualTo(folded[1]);
        double[] all = eventsAndHits(0, max + 10);
        assertThat(c.events()).isEqualTo((long) all[0]);
        assertThat(c.hitRate(0)).isEqualTo(all[1] / all[0]);

        // a late event of a folded window counts in the earlier total, not as a window again
        c.record(3 * WEEK, new int[] {0, -1, -1, -1});
        assertThat(c.windows()).hasSize(max).doesNotContainKey(3 * WEEK);
        assertThat(c.earlier()[0]).isEqualTo(folded[0] + 1);

        PrequentialCounts read =
                PrequentialCountsSerializer.INSTANCE.fromBytes(
                        PrequentialCountsSerializer.INSTANCE.toBytes(c));
        assertThat(read.earlier()).containsExactly(c.earlier());
        assertThat(read.windows()).containsOnlyKeys(c.windows().keySet());
        assertThat(read.hitRate(0)).isEqualTo(c.hitRate(0));
        assertThat(c.copy().earlier()).containsExactly(c.earlier()).isNotSameAs(c.earlier());
    }

    @Test
    void mergedSubtasksKeepTheLatestWindowsAndAddTheEarlierTotals() {
        int max = PrequentialCounts.MAX_WINDOWS;
        PrequentialCounts a = weeks(0, 0, max + 5); // weeks 5 .. max + 4 apart
        PrequentialCounts b = weeks(1, 20, max); // weeks 20 .. max + 19, none folded

        a.addAll(b);

        assertThat(a.windows()).hasSize(max);
        assertThat(a.windows().keySet().iterator().next()).isEqualTo(20 * WEEK);
        double events = eventsAndHits(0, max + 5)[0] + eventsAndHits(20, max + 20)[0];
        assertThat(a.events()).isEqualTo((long) events);
        // a's weeks 0-19 and nothing of b's are earlier now
        assertThat(a.earlier()[0]).isEqualTo(eventsAndHits(0, 20)[0]);
    }

    @Test
    void manyCoveredItemsAreKeptAsASketch() throws Exception {
        PrequentialCounts c = new PrequentialCounts(0);
        int items = PrequentialCounts.MAX_EXACT_COVERED + 5_000;
        for (int i = 0; i < items; i += 10) {
            String[] top = new String[10];
            for (int k = 0; k < 10; k++) {
                top[k] = "i" + (i + k);
            }
            c.record(
                    0L,
                    new int[] {0, -1, -1, -1},
                    new String[][] {top, null, null, {"i0"}},
                    100_000);
        }

        assertThat(c.coveredItems(0)).isNull();
        assertThat(c.coverageSketch(0)).isNotNull();
        assertThat(c.coverage(0).getAsDouble()).isCloseTo(items / 100_000.0, withinPercentage(2));
        assertThat(c.coveredItems(3)).containsExactly("i0"); // a short list stays ids
        PrequentialCounts read =
                PrequentialCountsSerializer.INSTANCE.fromBytes(
                        PrequentialCountsSerializer.INSTANCE.toBytes(c));
        assertThat(read.coverageSketch(0)).isEqualTo(c.coverageSketch(0));
        assertThat(read.coverage(0)).isEqualTo(c.coverage(0));
        assertThat(read.coveredItems(3)).containsExactly("i0");
        PrequentialCounts copy = c.copy();
        c.record(0L, new int[] {0, -1, -1, -1}, new String[][] {{"new"}, null, null, null}, 1);
        assertThat(copy.coverageSketch(0))
                .isNotEqualTo(c.coverageSketch(0))
                .isEqualTo(read.coverageSketch(0));
    }

    @Test
    void recallPrecisionAndF1FollowFromOneRelevantItemPerEvent() {
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, -1, -1, -1});
        c.record(0L, new int[] {3, -1, -1, -1});
        c.record(0L, new int[] {-1, -1, -1, -1});
        c.record(0L, new int[] {-1, -1, -1, -1});

        PrequentialCounts.Quality model = c.quality(0);
        // 2 of 4 items found: recall 2/4; 2 relevant among 4 lists of 10 slots: precision 2/40
        assertThat(model.recall()).isEqualTo(0.5);
        assertThat(model.precision()).isEqualTo(0.05);
        // 2 * 0.05 * 0.5 / 0.55 = 0.05 / 0.55 = 1/11
        assertThat(model.f1()).isCloseTo(1.0 / 11, within(1e-15));
        assertThat(model.ndcg())
                .isCloseTo((1 + 1 / (Math.log(5) / Math.log(2))) / 4, within(1e-15));

        PrequentialCounts.Quality never = c.quality(1);
        assertThat(never.recall()).isZero();
        assertThat(never.precision()).isZero();
        assertThat(never.f1()).isZero();
        assertThat(new PrequentialCounts(0).quality(0).f1()).isZero();
    }

    @Test
    void perWindowQualityReadsOneWindow() {
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, 0, -1, -1});
        c.record(7L, new int[] {-1, 1, 0, -1});
        c.record(7L, new int[] {-1, -1, 0, -1});

        PrequentialCounts.Quality trending = PrequentialCounts.quality(c.windows().get(7L), 2);
        assertThat(trending.events()).isEqualTo(2);
        assertThat(trending.hitRate()).isEqualTo(1.0);
        assertThat(trending.precision()).isEqualTo(0.1);
        assertThat(PrequentialCounts.quality(c.windows().get(7L), 1).ndcg())
                .isCloseTo(0.5 / LOG2_3, within(1e-15));
        assertThat(c.latestWindowQuality(1).hitRate()).isEqualTo(0.5);
    }

    @Test
    void coverageCountsDistinctListedItemsOverItemsKnown() throws Exception {
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, -1, -1, -1}, lists(new String[] {"a", "b"}, null), 8);
        c.record(0L, new int[] {-1, -1, -1, -1}, lists(new String[] {"b", "c"}, null), 10);
        // lists unknown for this event: neither coverage nor the items known move
        c.record(7L, new int[] {-1, -1, -1, -1}, null, 1_000);

        assertThat(c.itemsKnown()).isEqualTo(10);
        assertThat(c.coveredItems(0)).containsExactly("a", "b", "c");
        assertThat(c.coverage(0)).hasValue(0.3);
        assertThat(c.coverage(1)).as("popularity supplied no lists").isEmpty();
        assertThat(new PrequentialCounts(0).coverage(0)).isEqualTo(OptionalDouble.empty());

        PrequentialCounts copy =
                PrequentialCountsSerializer.INSTANCE.fromBytes(
                        PrequentialCountsSerializer.INSTANCE.toBytes(c));
        assertThat(copy.coverage(0)).hasValue(0.3);
        assertThat(copy.coverage(1)).isEmpty();
        assertThat(copy.events()).isEqualTo(3);
        // the restored copy knows what it covered: only d is new
        copy.record(0L, new int[] {-1, -1, -1, -1}, lists(new String[] {"c", "d"}, null), 10);
        assertThat(copy.coveredItems(0)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void mergedCoverageUnitesTheItemsOfBothSubtasks() {
        PrequentialCounts a = new PrequentialCounts(0);
        a.record(0L, new int[] {0, 0, 0, 0}, lists(new String[] {"a", "b"}, null), 10);
        PrequentialCounts b = new PrequentialCounts(1);
        b.record(
                0L, new int[] {0, 0, 0, 0}, lists(new String[] {"b", "c"}, new String[] {"x"}), 20);
        PrequentialCounts copyOfA = a.copy();

        a.addAll(b);
        // after the merge, c counts once however it comes again
        a.record(0L, new int[] {0, 0, 0, 0}, lists(new String[] {"c"}, null), 10);
        assertThat(a.coveredItems(0)).containsExactly("a", "b", "c");
        a = copyOfA.copy();
        a.addAll(b);

        assertThat(a.events()).isEqualTo(2);
        assertThat(a.itemsKnown()).isEqualTo(20);
        assertThat(a.coverage(0)).hasValue(3.0 / 20);
        assertThat(a.coverage(1)).hasValue(1.0 / 20);
        assertThat(copyOfA.coveredItems(0)).as("a copy is independent").containsExactly("a", "b");
        assertThat(copyOfA.coverage(1)).isEmpty();
    }

    @Test
    void ranksOfAnotherNumberOfRecommendersAreRefused() {
        PrequentialCounts c = new PrequentialCounts(0);
        assertThatThrownBy(() -> c.record(0L, new int[] {0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("3 ranks for 4 recommenders");
    }

    @Test
    void windowsOfOtherRecommendersMapByName() {
        double[] v1 = {4, 3, 1, 2, 2.5, 1, 1.5};
        // the legacy layout: each recommender named ranked all 4 events, the one it lacks none
        assertThat(PrequentialCounts.inCurrentLayout(PrequentialCounts.VERSION_1_RECOMMENDERS, v1))
                .containsExactly(4, 3, 1, 2, 0, 2.5, 1, 1.5, 0, 4, 4, 4, 0);
        double[] reordered = {5, 1, 2, 0.5, 0.25};
        assertThat(
                        PrequentialCounts.inCurrentLayout(
                                new String[] {"trending+cooccurrence", "some-future-one"},
                                reordered))
                .containsExactly(5, 0, 0, 0, 1, 0, 0, 0, 0.5, 0, 0, 0, 5);
        double[] ranked = {5, 1, 2, 0.5, 0.25, 3, 4};
        assertThat(
                        PrequentialCounts.inCurrentLayout(
                                new String[] {"trending+cooccurrence", "some-future-one"}, ranked))
                .containsExactly(5, 0, 0, 0, 1, 0, 0, 0, 0.5, 0, 0, 0, 3);
        assertThatThrownBy(
                        () ->
                                PrequentialCounts.inCurrentLayout(
                                        PrequentialCounts.VERSION_1_RECOMMENDERS, new double[5]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRecommenderThatRankedNoEventHasNoFigures() {
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, -1, 3, PrequentialCounts.NOT_RANKED});
        c.record(0L, new int[] {-1, -1, 1, PrequentialCounts.NOT_RANKED});
        c.record(0L, new int[] {-1, 0, -1, 0});
        c.record(0L, new int[] {2, -1, -1, -1});
        assertThat(c.events()).isEqualTo(4);
        assertThat(c.hitRate(0)).isEqualTo(0.5);
        assertThat(c.quality(3).ranked()).isTrue();
        // ranked 2 of the 4 events, one a hit: 0.5, where counting all events would say 0.25
        assertThat(c.quality(3).events()).isEqualTo(2);
        assertThat(c.hitRate(3)).isEqualTo(0.5);
        assertThat(c.ndcg(3)).isEqualTo(0.5);

        PrequentialCounts bpr = new PrequentialCounts(0);
        bpr.record(0L, new int[] {0, -1, 3, PrequentialCounts.NOT_RANKED});
        assertThat(bpr.quality(3).ranked()).isFalse();
        assertThat(bpr.quality(0).ranked()).isTrue();
    }

    /**
     * Counts of the legacy layout take every recommender to have ranked every event; one that never
     * hit in any window (the blend under BPR, recorded as a miss each time) ranked none.
     */
    @Test
    void aLegacyRecommenderWithoutHitsRankedNone() {
        TreeMap<Long, double[]> windows = new TreeMap<>();
        windows.put(
                0L,
                PrequentialCounts.inCurrentLayout(
                        PrequentialCounts.RECOMMENDERS, new double[] {3, 1, 0, 2, 0, 1, 0, 1, 0}));
        windows.put(
                7L,
                PrequentialCounts.inCurrentLayout(
                        PrequentialCounts.RECOMMENDERS, new double[] {2, 0, 0, 1, 0, 0, 0, 1, 0}));
        PrequentialCounts c = new PrequentialCounts(0, windows);

        c.legacyRecommendersWithoutHitsRankedNone();

        assertThat(c.quality(0).events()).isEqualTo(5);
        assertThat(c.quality(1).ranked()).as("popularity never hit either").isFalse();
        assertThat(c.quality(2).events()).isEqualTo(5);
        assertThat(c.quality(3).ranked()).isFalse();
        assertThat(c.windows().get(7L)).containsExactly(2, 0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 2, 0);
    }

    /** Top-10 lists of the model and popularity; trending's and the blend's unknown. */
    private static String[][] lists(String[] model, String[] popularity) {
        return new String[][] {model, popularity, null, null};
    }
}
