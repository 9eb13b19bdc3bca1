package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.RecommendationResult.ScoredItem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ordering, ties, ranks and top lists of ranked candidates. */
class RankedCandidatesTest {
    private static final List<String> ITEMS = List.of("a", "b", "c", "d", "e");

    @Test
    void ordersByScoreHighestFirst() {
        RankedCandidates ranked = RankedCandidates.of(ITEMS, new float[] {0.1f, 3f, -2f, 1f, 2f});
        assertThat(ranked.top(5)).containsExactly("b", "e", "d", "a", "c");
        assertThat(ranked.size()).isEqualTo(5);
        assertThat(ranked.score(0)).isEqualTo(3f);
        assertThat(ranked.score(1)).isEqualTo(2f);
        assertThat(ranked.score(4)).isEqualTo(-2f);
    }

    @Test
    void tiesKeepTheCandidatesOrder() {
        RankedCandidates ranked = RankedCandidates.of(ITEMS, new float[] {1f, 2f, 1f, 2f, 1f});
        assertThat(ranked.top(5)).containsExactly("b", "d", "a", "c", "e");
        RankedCandidates allEqual = RankedCandidates.of(ITEMS, new float[5]);
        assertThat(allEqual.top(5)).containsExactlyElementsOf(ITEMS);
    }

    @Test
    void rankOfCountsWithinTheFirstKOnly() {
        RankedCandidates ranked = RankedCandidates.of(ITEMS, new float[] {0.1f, 3f, -2f, 1f, 2f});
        assertThat(ranked.rankOf("b", 1)).isZero();
        assertThat(ranked.rankOf("d", 3)).isEqualTo(2);
        assertThat(ranked.rankOf("d", 2)).isEqualTo(-1);
        assertThat(ranked.rankOf("c", 5)).isEqualTo(4);
        assertThat(ranked.rankOf("c", 100)).isEqualTo(4);
        assertThat(ranked.rankOf("z", 100)).isEqualTo(-1);
        assertThat(ranked.rankOf("b", 0)).isEqualTo(-1);
    }

    @Test
    void topKIsCappedByTheCandidates() {
        RankedCandidates ranked = RankedCandidates.of(ITEMS, new float[] {0.1f, 3f, -2f, 1f, 2f});
        assertThat(ranked.top(2)).containsExactly("b", "e");
        assertThat(ranked.top(10)).hasSize(5);
        assertThat(ranked.top(0)).isEmpty();
        RankedCandidates none = RankedCandidates.of(List.of(), new float[0]);
        assertThat(none.top(10)).isEmpty();
        assertThat(none.rankOf("a", 10)).isEqualTo(-1);
    }

    @Test
    void theBestKAreTheFirstKOfTheWholeRankingTiesIncluded() {
        float[] scores = {1f, 2f, 1f, 2f, 1f};
        RankedCandidates whole = RankedCandidates.of(ITEMS, scores);
        for (int k = 0; k <= 6; k++) {
            RankedCandidates best = RankedCandidates.best(ITEMS::get, scores, k);
            assertThat(best.top(10)).containsExactlyElementsOf(whole.top(k));
            assertThat(best.size()).isEqualTo(Math.min(k, 5));
        }
    }

    @Test
    void theBestKSelectedAreTheFirstKOfTheWholeSortedRanking() {
        java.util.Random random = new java.util.Random(42);
        float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f};
        for (int trial = 0; trial < 2_000; trial++) {
            int n = random.nextInt(320);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                // few distinct values: ties everywhere; now and then the floats that sort oddly
                scores[i] =
                        random.nextInt(20) == 0
                                ? odd[random.nextInt(odd.length)]
                                : random.nextInt(trial % 3 == 0 ? 4 : 1_000) - 500;
            }
            List<String> ids =
                    java.util.stream.IntStream.range(0, n).mapToObj(i -> "i" + i).toList();
            RankedCandidates whole = RankedCandidates.of(ids, scores);
            for (int k : new int[] {0, 1, 3, 10, 40, n / 4, n / 4 + 1, n}) {
                RankedCandidates best = RankedCandidates.best(ids::get, scores, k);
                assertThat(best.top(n)).containsExactlyElementsOf(whole.top(k));
                for (int r = 0; r < best.size(); r++) {
                    assertThat(Float.floatToIntBits(best.score(r)))
                            .isEqualTo(Float.floatToIntBits(whole.score(r)));
                }
            }
        }
    }

    @Test
    void theInputIsNotReordered() {
        List<String> items = new java.util.ArrayList<>(ITEMS);
        float[] scores = {0.1f, 3f, -2f, 1f, 2f};
        RankedCandidates.of(items, scores);
        assertThat(items).containsExactlyElementsOf(ITEMS);
        assertThat(scores).containsExactly(0.1f, 3f, -2f, 1f, 2f);
    }

    @Test
    void scoredTopFillsBelowTheLowestWithTheItemsNotTaken() {
        RankedCandidates ranked = RankedCandidates.of(List.of("a", "b"), new float[] {2f, 0.5f});
        List<ScoredItem> fill =
                List.of(new ScoredItem("b", 9f), new ScoredItem("x", 8f), new ScoredItem("y", 7f));

        assertThat(ranked.scoredTop(4, fill))
                .containsExactly(
                        new ScoredItem("a", 2f),
                        new ScoredItem("b", 0.5f),
                        new ScoredItem("x", -0.5f),
                        new ScoredItem("y", -1.5f));
        assertThat(ranked.scoredTop(3, fill))
                .extracting(ScoredItem::itemId)
                .containsExactly("a", "b", "x");
        assertThat(ranked.scoredTop(1, fill)).containsExactly(new ScoredItem("a", 2f));
    }

    /**
     * A broken score (NaN, an infinity) listed within k would reach the answer as is, and 1 below a
     * NaN is NaN: every filler after it was NaN too. An answer's scores are finite.
     */
    @Test
    void scoredTopGivesFiniteScoresWhenAScoreBroke() {
        RankedCandidates ranked =
                RankedCandidates.of(
                        List.of("a", "b", "c"),
                        new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
        List<ScoredItem> fill = List.of(new ScoredItem("x", 8f), new ScoredItem("y", 7f));

        List<ScoredItem> scored = ranked.scoredTop(5, fill);

        assertThat(scored).extracting(ScoredItem::itemId).containsExactly("b", "c", "a", "x", "y");
        assertThat(scored)
                .extracting(ScoredItem::score)
                .allSatisfy(score -> assertThat(Float.isFinite(score)).as("" + score).isTrue())
                .startsWith(Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE);
    }

    /** Sorted (k near n) and selected (k far below n) alike. */
    @Test
    void aScoreThatIsNotANumberRanksLastNotFirst() {
        assertThat(
                        RankedCandidates.of(
                                        List.of("a", "b", "c"), new float[] {Float.NaN, 1f, -1f})
                                .top(3))
                .containsExactly("b", "c", "a");
        float[] scores = new float[40];
        java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        scores[0] = Float.NaN;
        scores[7] = 0.5f;
        assertThat(RankedCandidates.best(i -> "i" + i, scores, 2).top(2))
                .containsExactly("i7", "i1");
    }
}
