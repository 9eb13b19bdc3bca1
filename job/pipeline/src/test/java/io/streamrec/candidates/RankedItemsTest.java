package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RankedItemsTest {
    /**
     * Keys growing by a few values (many ties) over 2,000 items, of which 300 stay ranked, read at
     * random depths past up to 150 exclusions: the top is the full sort's every time.
     */
    @Test
    void topIsTheFullSortAfterEveryUpdate() {
        Random random = new Random(11);
        IdIndex ids = new IdIndex();
        for (int i = 0; i < 2_000; i++) {
            ids.of("item-" + random.nextInt(1_000_000));
        }
        RankedItems ranked = new RankedItems(ids, 300);
        Map<Integer, Double> keys = new HashMap<>();
        ExcludedItems excluded = new ExcludedItems();
        for (int step = 0; step < 20_000; step++) {
            int item = random.nextInt(step < 5_000 ? 100 : ids.size());
            double grows = random.nextInt(4) == 0 ? random.nextInt(2) : random.nextInt(40);
            double key = keys.getOrDefault(item, 0.0) + grows;
            ranked.put(item, key);
            keys.put(item, key);
            if (step % 97 == 0) {
                OneUserItems own = new OneUserItems(150);
                int owned = random.nextInt(3) == 0 ? random.nextInt(1_000) : random.nextInt(20);
                for (int k = 0; k < owned; k++) {
                    own.add(random.nextInt(ids.size()));
                }
                own.excludeIn(excluded);
                int n = 1 + random.nextInt(150);
                assertThat(ranked.top(n, excluded))
                        .as("step %d", step)
                        .containsExactly(expectedTop(keys, ids, own, n));
            }
        }
    }

    private static int[] expectedTop(
            Map<Integer, Double> keys, IdIndex ids, OneUserItems own, int n) {
        List<Integer> items = new ArrayList<>(keys.keySet());
        items.sort(
                Comparator.comparingDouble((Integer i) -> keys.get(i))
                        .reversed()
                        .thenComparing(ids::id));
        return items.stream().filter(i -> !own.contains(i)).limit(n).mapToInt(i -> i).toArray();
    }

    /**
     * A read that would need items past the ranked ones fails instead of answering short; a lower
     * key does not move an item down.
     */
    @Test
    void readingPastTheCapacityFails() {
        IdIndex ids = new IdIndex();
        RankedItems ranked = new RankedItems(ids, 3);
        OneUserItems own = new OneUserItems(10);
        for (int i = 0; i < 5; i++) {
            ranked.put(ids.of("item-" + i), 10 - i);
            own.add(i);
        }
        ExcludedItems excluded = new ExcludedItems();
        own.excludeIn(excluded);
        assertThatThrownBy(() -> ranked.top(2, excluded)).isInstanceOf(IllegalStateException.class);
        ranked.put(0, 1); // a lower key keeps the earlier one
        OneUserItems.excludeNoneIn(excluded);
        assertThat(ranked.top(1, excluded)).containsExactly(0);
    }
}
