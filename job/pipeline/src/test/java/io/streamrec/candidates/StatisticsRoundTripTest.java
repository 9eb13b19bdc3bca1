package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each statistic written and read back holds what decides its future: order, ties, anchors. */
class StatisticsRoundTripTest {
    private interface Writer {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private static DataInputStream roundTrip(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.writeTo(out);
        }
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void neighboursKeepSlotOrderAndWhichTieIsStalest() throws IOException {
        BoundedNeighbours original = new BoundedNeighbours(3);
        original.add(7, 1);
        original.add(5, 1);
        original.add(9, 2);
        original.add(7, 0); // 7 is now touched last; 5 is the stalest 1
        BoundedNeighbours restored =
                BoundedNeighbours.readFrom(roundTrip(original::writeTo), 3, below(10));
        assertThat(slots(restored)).containsExactly(7, 5, 9);

        original.add(4, 1);
        restored.add(4, 1); // evicts 5, not 7
        assertThat(slots(restored)).isEqualTo(slots(original)).containsExactly(7, 4, 9);
        original.add(3, 1);
        restored.add(3, 1); // now 7 is the stalest 1
        assertThat(slots(restored)).isEqualTo(slots(original)).containsExactly(3, 4, 9);
        assertThat(restored.weight(9)).isEqualTo(2.0);
    }

    @Test
    void recentIdsKeepTheirOrderAndCap() throws IOException {
        RecentIds original = new RecentIds(3);
        List.of(1, 2, 3, 1).forEach(original::add);
        RecentIds restored = RecentIds.readFrom(roundTrip(original::writeTo), 3, below(10));
        assertThat(restored.mostRecent(3)).containsExactly(1, 3, 2);
        original.add(4);
        restored.add(4);
        assertThat(restored.mostRecent(5))
                .isEqualTo(original.mostRecent(5))
                .containsExactly(4, 1, 3);
    }

    @Test
    void decayedCountersKeepTheirAnchorThroughLateEvents() throws IOException {
        HalfLife[] halfLives = {HalfLife.ofHours(6), HalfLife.ofDays(7)};
        long hour = 3_600_000L;
        DecayedCounter original = new DecayedCounter(halfLives);
        original.add(1.0, 10 * hour);
        original.add(1.0, 4 * hour); // late: decayed to the stored time, which stays 10 h
        DecayedCounter restored = DecayedCounter.readFrom(roundTrip(original::writeTo), halfLives);
        assertThat(restored.lastUpdate()).isEqualTo(10 * hour);
        assertThat(restored.valueAt(0, 10 * hour)).isEqualTo(1.5);
        for (DecayedCounter c : List.of(original, restored)) {
            c.add(1.0, 7 * hour);
            c.add(1.0, 13 * hour);
        }
        for (int h = 0; h < halfLives.length; h++) {
            assertThat(restored.anchored(h)).isEqualTo(original.anchored(h));
            assertThat(restored.valueAt(h, 20 * hour)).isEqualTo(original.valueAt(h, 20 * hour));
        }

        DecayedCounter empty = new DecayedCounter(halfLives);
        DecayedCounter none = DecayedCounter.readFrom(roundTrip(empty::writeTo), halfLives);
        assertThat(none.anchored(1)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(none.lastUpdate()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void titleWordsKeepRetitledItemsAndTheirCount() throws IOException {
        TitleWords original = new TitleWords(2);
        original.put(0, "Star Wars", List.of("Sci-Fi"));
        original.put(1, "Star Trek", List.of("Sci-Fi"));
        original.put(3, "Trek", List.of());
        original.put(0, "Casablanca", List.of("Drama")); // re-titled: leaves star and sci-fi
        TitleWords restored = new TitleWords(2);
        restored.readFrom(roundTrip(original::writeTo), 4);
        for (String word : List.of("star", "trek", "wars", "attr:sci-fi", "casablanca", "none")) {
            assertThat(restored.idf(word)).as(word).isEqualTo(original.idf(word));
        }
        assertThat(restored.idf("trek")).isEqualTo(Math.log(3 / 2.0));
        restored.put(2, "Wars", List.of());
        original.put(2, "Wars", List.of());
        assertThat(restored.idf("wars")).isEqualTo(original.idf("wars")).isEqualTo(Math.log(4));
    }

    /** Keys {@code 0 .. count - 1}, each once per list. */
    private static RestoredKeys below(int count) {
        return new RestoredKeys("key", count);
    }

    private static List<Integer> slots(BoundedNeighbours n) {
        Integer[] keys = new Integer[n.size()];
        for (int s = 0; s < n.size(); s++) {
            keys[s] = n.key(s);
        }
        return List.of(keys);
    }
}
