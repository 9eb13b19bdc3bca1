package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Counts keep and evict by their rule and write what a {@link BoundedNeighbours} of the same sums
 * of ones does, the type the item-pair rows had before: statistics written by either read the same.
 */
class BoundedCountsTest {
    private static final int CAP = 7;

    @Test
    void countsFollowThePlainRuleThroughEvictionsAndRestoresInTheNeighboursFormat()
            throws IOException {
        // a short cap (growth 4, 6, 8) and the statistics' own (4, 6, 9, ... 94, 141, 201)
        followThePlainRule(CAP, 30, 20_000);
        followThePlainRule(200, 800, 60_000);
    }

    /**
     * The rule, kept plainly: a neighbour counts one more, a newcomer enters with 1, and past the
     * cap the weakest of the others goes (the lowest count, then the least recently updated).
     */
    private static void followThePlainRule(int cap, int keys, int steps) throws IOException {
        Random random = new Random(5);
        BoundedCounts counts = new BoundedCounts(cap);
        Map<Integer, long[]> plain = new HashMap<>(); // key -> {count, last step}
        for (int step = 0; step < steps; step++) {
            int key = random.nextInt(random.nextInt(keys) + 1); // low keys frequent
            int evicted = counts.increment(key);
            long[] entry = plain.computeIfAbsent(key, k -> new long[2]);
            entry[0]++;
            entry[1] = step;
            if (plain.size() > cap) {
                int weakest =
                        plain.entrySet().stream()
                                .filter(e -> e.getKey() != key)
                                .min(
                                        Comparator.<Map.Entry<Integer, long[]>>comparingLong(
                                                        e -> e.getValue()[0])
                                                .thenComparingLong(e -> e.getValue()[1]))
                                .orElseThrow()
                                .getKey();
                plain.remove(weakest);
                assertThat(evicted).as("cap %d, step %d", cap, step).isEqualTo(weakest);
            } else {
                assertThat(evicted).isEqualTo(-1);
            }
            if (step % 501 == 0) {
                byte[] written = bytes(counts);
                // the format of the neighbour lists the item-pair rows were before
                assertThat(bytes(BoundedNeighbours.readFrom(input(written), cap, below(keys))))
                        .isEqualTo(written);
                // go on from a restore, as a job restarted from a checkpoint does
                counts = BoundedCounts.readFrom(input(written), cap, below(keys));
                assertThat(bytes(counts)).isEqualTo(written);
            }
        }
        assertThat(counts.size()).isEqualTo(cap);
        for (int key = 0; key < keys; key++) {
            long[] entry = plain.get(key);
            assertThat(counts.count(key)).as("key %d", key).isEqualTo(entry == null ? 0 : entry[0]);
        }
    }

    /**
     * A full row whose counts are all above one still takes a newcomer: were the newcomer the
     * weakest, a popular item's row would never change again, and a pair counted on one side only.
     */
    @Test
    void aFullRowOfRepeatedNeighboursStillTakesANewcomer() {
        BoundedCounts counts = new BoundedCounts(2);
        counts.increment(1);
        counts.increment(1);
        counts.increment(2);
        counts.increment(2);

        assertThat(counts.increment(3)).isEqualTo(1); // 1 and 2 tie at two: 1 is older
        assertThat(counts.increment(3)).isEqualTo(-1);
        assertThat(counts.count(3)).isEqualTo(2);
        assertThat(counts.count(2)).isEqualTo(2);
        assertThat(counts.increment(4)).isEqualTo(2); // 2 ties with 3, updated before it
    }

    @Test
    void incrementReturnsTheKeyItEvicted() {
        BoundedCounts counts = new BoundedCounts(2);
        assertThat(counts.increment(1)).isEqualTo(-1);
        assertThat(counts.increment(1)).isEqualTo(-1);
        assertThat(counts.increment(2)).isEqualTo(-1);
        // 3 ties with 2 at one: the least recently updated of them, 2, goes
        assertThat(counts.increment(3)).isEqualTo(2);
        assertThat(counts.countAt(0)).isEqualTo(2);
        assertThat(counts.count(3)).isEqualTo(1);
        assertThat(counts.count(2)).isZero();
    }

    @Test
    void aCountStopsAtTheLargestInt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(1); // size
        data.writeInt(1); // clock
        data.writeInt(42); // key
        data.writeDouble(Integer.MAX_VALUE);
        data.writeInt(1); // stamp
        BoundedCounts counts = BoundedCounts.readFrom(input(out.toByteArray()), CAP, below(43));
        counts.increment(42);
        assertThat(counts.count(42)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aCountThatIsNoWholeNumberIsRefused() {
        double[] bad = {
            0.5, 0.0, -1.0, 2.5, 2147483648.0, 3e9, Double.NaN, Double.POSITIVE_INFINITY, -0.0
        };
        for (double count : bad) {
            assertThatThrownBy(() -> BoundedCounts.readFrom(input(oneEntry(count)), CAP, below(10)))
                    .as("count %s", count)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("counts are whole numbers");
        }
    }

    private static byte[] oneEntry(double count) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(1);
        data.writeInt(1);
        data.writeInt(9);
        data.writeDouble(count);
        data.writeInt(1);
        return out.toByteArray();
    }

    private static byte[] bytes(BoundedSlots list) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.writeTo(new DataOutputStream(out));
        return out.toByteArray();
    }

    /** Keys {@code 0 .. count - 1}, each once per list. */
    private static RestoredKeys below(int count) {
        return new RestoredKeys("key", count);
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
