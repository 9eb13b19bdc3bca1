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
        n.add("x", 1);
        n.add("y", 1);
        n.add("z", 1);
        n.add("y", 1); // y: 2
        n.add("w", 1); // x, z and w weigh 1; x was updated first
        assertThat(n.strongest()).containsExactly("y", "w", "z");
        n.add("v", 1); // z is now the stalest 1
        assertThat(n.strongest()).containsExactly("y", "v", "w");
        assertThat(n.weight("y")).isEqualTo(2.0);
        assertThat(n.weight("x")).isZero();
    }

    @Test
    void aNewcomerWeakerThanEveryNeighbourDoesNotEnter() {
        BoundedNeighbours n = new BoundedNeighbours(2);
        n.add("a", 5);
        n.add("b", 3);
        n.add("c", 1);
        assertThat(n.strongest()).containsExactly("a", "b");
        n.add("c", 4); // enters with 4, evicting b
        assertThat(n.strongest()).containsExactly("a", "c");
    }

    @Test
    void neverExceedsItsCapAndCountsExactlyWhatItKept() {
        Random random = new Random(42);
        BoundedNeighbours n = new BoundedNeighbours(50);
        Map<String, Integer> sinceEntered = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            // skewed keys: a few strong neighbours, a long tail
            String key = "k" + (int) Math.floor(Math.pow(random.nextDouble(), 3) * 5_000);
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
        for (String key : present) {
            assertThat(n.weight(key)).isEqualTo(sinceEntered.get(key).doubleValue());
        }
        // the strongest keys of the skewed stream survive
        assertThat(present).contains("k0", "k1");
    }
}
