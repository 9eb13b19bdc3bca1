package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ItemScoresTest {
    @Test
    void topIsTheFullSortCutAtNIncludingTiesAndExclusions() {
        topIsTheFullSortCutAtN(500, 40, 300, true);
    }

    /** Scores of many items for a few, as the similar users' source has. */
    @Test
    void topOfManyScoresIsTheFullSortCutAtN() {
        topIsTheFullSortCutAtN(5_000, 60, 100, true);
    }

    /** Log-normal scores, almost no ties: the search narrows mostly by partitions. */
    @Test
    void topOfScoresWithoutTiesIsTheFullSortCutAtN() {
        topIsTheFullSortCutAtN(5_000, 60, 100, false);
    }

    private static void topIsTheFullSortCutAtN(
            int items, int maxN, int trials, boolean fewDistinctValues) {
        Random random = new Random(5);
        IdIndex ids = new IdIndex();
        for (int i = 0; i < items; i++) {
            ids.of("item-" + random.nextInt(1_000_000)); // ids not in index order
        }
        ItemScores scores = new ItemScores(ids);
        ExcludedItems excluded = new ExcludedItems();
        for (int trial = 0; trial < trials; trial++) {
            OneUserItems own = new OneUserItems(50);
            List<ScoredItem> all = new ArrayList<>();
            int touched = random.nextInt(ids.size());
            for (int k = 0; k < touched; k++) {
                int item = random.nextInt(ids.size());
                scores.add(
                        item,
                        fewDistinctValues ? random.nextInt(6) : Math.exp(random.nextGaussian()));
                if (random.nextInt(10) == 0) {
                    own.add(item);
                }
            }
            own.excludeIn(excluded);
            for (int item = 0; item < ids.size(); item++) {
                if (scores.score(item) > 0 && !own.contains(item)) {
                    all.add(new ScoredItem(ids.id(item), scores.score(item)));
                }
            }
            all.sort(
                    Comparator.comparingDouble(ScoredItem::score)
                            .reversed()
                            .thenComparing(ScoredItem::itemId));
            int n = 1 + random.nextInt(maxN);
            assertThat(scores.top(n, excluded))
                    .as("trial %d", trial)
                    .isEqualTo(all.subList(0, Math.min(n, all.size())));
            scores.clear();
        }
    }

    @Test
    void theCutHoldsAtTheEdges() {
        ItemScores scores = new ItemScores(itemsInIdOrder(6));
        ExcludedItems none = noExclusions();
        for (int item = 0; item < 6; item++) {
            scores.add(item, 2.0); // all equal, more than wanted: the lowest ids
        }
        assertThat(scores.top(3, none))
                .extracting(ScoredItem::itemId)
                .containsExactly("item-0", "item-1", "item-2");
        scores.clear();
        for (int item = 0; item < 4; item++) {
            scores.add(item, 1.0 + item); // one more than wanted
        }
        assertThat(scores.top(3, none))
                .extracting(ScoredItem::itemId)
                .containsExactly("item-3", "item-2", "item-1");
        assertThat(scores.top(1, none)).extracting(ScoredItem::itemId).containsExactly("item-3");
        scores.add(1, Double.POSITIVE_INFINITY); // an overflowing sum stays comparable
        assertThat(scores.top(2, none))
                .containsExactly(
                        new ScoredItem("item-1", Double.POSITIVE_INFINITY),
                        new ScoredItem("item-3", 4.0));
    }

    @Test
    void anAmountThatIsNotPositiveLeavesTheItemOutAndAClearForgetsEveryScore() {
        ItemScores scores = new ItemScores(itemsInIdOrder(4));
        scores.add(0, 0.0);
        scores.add(1, Double.NaN);
        scores.add(2, 0.5);
        scores.add(2, Double.NaN);
        scores.add(3, 1.0);
        ExcludedItems none = noExclusions();
        assertThat(scores.top(10, none))
                .containsExactly(new ScoredItem("item-3", 1.0), new ScoredItem("item-2", 0.5));
        scores.clear();
        for (int item = 0; item < 4; item++) {
            assertThat(scores.score(item)).as("item %d", item).isZero();
        }
        assertThat(scores.top(10, none)).isEmpty();
    }

    @Test
    void recentIdsKeepTheLatestDistinct() {
        RecentIds r = new RecentIds(3);
        r.add(1);
        r.add(2);
        r.add(1);
        r.add(3);
        r.add(4); // 2 falls out
        assertThat(r.mostRecent(10)).containsExactly(4, 3, 1);
        assertThat(r.get(0)).isEqualTo(4);
        assertThat(r.contains(2)).isFalse();
        assertThat(r.size()).isEqualTo(3);
    }

    /** Items item-0, item-1, ... at indices 0, 1, ...: below ten, ids sort as indices. */
    private static IdIndex itemsInIdOrder(int n) {
        IdIndex ids = new IdIndex();
        for (int i = 0; i < n; i++) {
            ids.of("item-" + i);
        }
        return ids;
    }

    private static ExcludedItems noExclusions() {
        ExcludedItems none = new ExcludedItems();
        none.set(new UserHistories(), -1);
        return none;
    }
}
