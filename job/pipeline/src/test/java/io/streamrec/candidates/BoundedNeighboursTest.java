package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BoundedNeighboursTest {
    @Test
    void evictsTheWeakestAndAmongEqualsTheLeastRecentlyUpdated() {
        BoundedNeighbours n = new BoundedNeighbours(3);
        n.add(1, 1);
        n.add(2, 1);
        n.add(3, 1);
        n.add(2, 1); // 2 weighs 2
        n.add(4, 1); // 1, 3 and 4 weigh 1; 1 was updated first
        assertThat(n.strongest()).containsExactly(2, 3, 4);
        n.add(5, 1); // 3 is now the stalest 1
        assertThat(n.strongest()).containsExactly(2, 4, 5);
        assertThat(n.weight(2)).isEqualTo(2.0);
        assertThat(n.weight(1)).isZero();
    }

    @Test
    void aNewcomerWeakerThanEveryNeighbourDoesNotEnter() {
        BoundedNeighbours n = new BoundedNeighbours(2);
        n.add(10, 5);
        n.add(11, 3);
        n.add(12, 1);
        assertThat(n.strongest()).containsExactly(10, 11);
        n.add(12, 4); // enters with 4, evicting b
        assertThat(n.strongest()).containsExactly(10, 12);
    }

    @Test
    void neverExceedsItsCapAndCountsExactlyWhatItKept() {
        Random random = new Random(42);
        BoundedNeighbours n = new BoundedNeighbours(50);
        Map<Integer, Integer> sinceEntered = new HashMap<>();
        Set<Integer> present = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            // skewed keys: a few strong neighbours, a long tail
            int key = (int) Math.floor(Math.pow(random.nextDouble(), 3) * 5_000);
            if (!present.contains(key)) {
                sinceEntered.put(key, 0);
            }
            n.add(key, 1);
            sinceEntered.merge(key, 1, Integer::sum);
            assertThat(n.size()).isLessThanOrEqualTo(50);
            present.clear();
            for (int s = 0; s < n.size(); s++) {
                present.add(n.key(s));
            }
        }
        for (int key : present) {
            assertThat(n.weight(key)).isEqualTo(sinceEntered.get(key).doubleValue());
        }
        // the strongest keys of the skewed stream survive
        assertThat(present).contains(0, 1);
    }
}
