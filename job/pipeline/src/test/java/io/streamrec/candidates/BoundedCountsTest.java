package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Counts keep, evict and write exactly what a {@link BoundedNeighbours} of sums of ones does, the
 * type the item-pair rows had before: statistics written by either read the same.
 */
class BoundedCountsTest {
    private static final int CAP = 7;

    @Test
    void countsWriteTheBytesOfNeighboursAddingOnesThroughEvictionsAndRestores() throws IOException {
        // a short cap (growth 4, 6, 8) and the statistics' own (4, 6, 9, ... 94, 141, 201)
        writeTheBytesOfNeighbours(CAP, 30, 20_000);
        writeTheBytesOfNeighbours(200, 800, 60_000);
    }

    private static void writeTheBytesOfNeighbours(int cap, int keys, int steps) throws IOException {
        Random random = new Random(5);
        BoundedCounts counts = new BoundedCounts(cap);
        BoundedNeighbours ones = new BoundedNeighbours(cap);
        for (int step = 0; step < steps; step++) {
            int key = random.nextInt(random.nextInt(keys) + 1); // low keys frequent
            counts.increment(key);
            ones.add(key, 1.0);
            if (step % 501 == 0) {
                assertThat(bytes(counts)).as("cap %d, step %d", cap, step).isEqualTo(bytes(ones));
                // go on from a restore of each, as a job restarted from a checkpoint does
                counts = BoundedCounts.readFrom(input(bytes(counts)), cap);
                ones = BoundedNeighbours.readFrom(input(bytes(ones)), cap);
            }
        }
        assertThat(counts.size()).isEqualTo(cap);
        assertThat(bytes(counts)).isEqualTo(bytes(ones));
        for (int key = 0; key < keys; key++) {
            assertThat((double) counts.count(key)).as("key %d", key).isEqualTo(ones.weight(key));
        }
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
        BoundedCounts counts = BoundedCounts.readFrom(input(out.toByteArray()), CAP);
        counts.increment(42);
        assertThat(counts.count(42)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aCountThatIsNoWholeNumberIsRefused() {
        double[] bad = {
            0.5, 0.0, -1.0, 2.5, 2147483648.0, 3e9, Double.NaN, Double.POSITIVE_INFINITY, -0.0
        };
        for (double count : bad) {
            assertThatThrownBy(() -> BoundedCounts.readFrom(input(oneEntry(count)), CAP))
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

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
