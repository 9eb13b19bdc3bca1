package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A list of incoming transitions reads like a map, short (scanned) or long (indexed). */
class IncomingTransitionsTest {

    @Test
    void readsAsAMapThroughAddsAndRemovesAcrossTheIndexedLength() {
        IncomingTransitions list = new IncomingTransitions();
        Map<Integer, Integer> expected = new HashMap<>();
        Random random = new Random(3);
        int longest = 0;
        for (int step = 0; step < 20_000; step++) {
            // grow to about 150 entries, then hover: removals rebuild the index now and then
            int a = random.nextInt(200);
            if (random.nextInt(4) == 0) {
                list.remove(a);
                expected.remove(a);
            } else {
                list.add(a, 1);
                expected.merge(a, 1, Integer::sum);
            }
            longest = Math.max(longest, list.size());
            int probe = random.nextInt(220);
            assertThat(list.weight(probe)).isEqualTo(expected.getOrDefault(probe, 0));
        }
        assertThat(longest).as("long enough to be indexed").isGreaterThan(100);
        assertThat(list.size()).isEqualTo(expected.size());
        Map<Integer, Integer> entries = new HashMap<>();
        for (int s = 0; s < list.size(); s++) {
            entries.put(list.from(s), list.weightAt(s));
        }
        assertThat(entries).isEqualTo(expected);
    }

    @Test
    void aWeightStopsAtTheLargestInt() {
        IncomingTransitions list = new IncomingTransitions();
        list.add(7, Integer.MAX_VALUE - 1);
        list.add(7, 1);
        list.add(7, 1);
        assertThat(list.weight(7)).isEqualTo(Integer.MAX_VALUE);
    }
}
