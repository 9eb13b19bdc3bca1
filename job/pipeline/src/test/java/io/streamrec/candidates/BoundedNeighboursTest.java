package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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

    /** The scan reads four slots a step: every position of lists of every length up to 11. */
    @Test
    void findsEveryNeighbourWhateverItsSlotAndTheListsLength() {
        for (int size = 0; size <= 11; size++) {
            BoundedNeighbours n = new BoundedNeighbours(16);
            for (int k = 0; k < size; k++) {
                n.add(100 + k, k + 1);
            }
            for (int k = 0; k < size; k++) {
                assertThat(n.weight(100 + k)).as("key %d of %d", k, size).isEqualTo(k + 1.0);
            }
            assertThat(n.weight(100 + size)).isZero();
            assertThat(n.weight(99)).isZero();
        }
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

    @Test
    void findsEveryKeptKeyAndNoOtherThroughGrowthEvictionAndRestore() throws Exception {
        Random random = new Random(7);
        BoundedNeighbours n = new BoundedNeighbours(200);
        for (int i = 0; i < 50_000; i++) {
            int key = random.nextInt(1_000) * 97; // sparse keys
            n.add(key, random.nextInt(3) + 1);
            if (i % 997 == 0 || i < 300) {
                assertLookupsMatchSlots(n);
            }
        }
        assertLookupsMatchSlots(n);
        BoundedNeighbours restored =
                BoundedNeighbours.readFrom(input(bytes(n)), 200, below(97_000));
        assertLookupsMatchSlots(restored);
        restored.add(123_456, 1_000);
        assertThat(restored.weight(123_456)).isEqualTo(1_000.0);
        assertLookupsMatchSlots(restored);
    }

    private static void assertLookupsMatchSlots(BoundedNeighbours n) {
        Map<Integer, Double> slots = new HashMap<>();
        for (int s = 0; s < n.size(); s++) {
            assertThat(slots.put(n.key(s), n.weightAt(s))).as("key %d twice", n.key(s)).isNull();
        }
        for (int k = 0; k < 1_000; k++) {
            int key = k * 97;
            assertThat(n.weight(key)).isEqualTo(slots.getOrDefault(key, 0.0));
        }
    }

    /**
     * A list restored from what it wrote goes on exactly as the list that ran on, bytes included,
     * also when the newest entry had gone (the clock is then ahead of every stamp).
     */
    @Test
    void aRestoredListWritesWhatTheListThatRanOnWrites() throws Exception {
        BoundedNeighbours live = new BoundedNeighbours(3);
        Random random = new Random(11);
        int last = 0;
        for (int i = 0; i < 40; i++) {
            last = random.nextInt(8);
            live.add(last, 1 + random.nextInt(2));
        }
        live.removeKey(last);
        BoundedNeighbours restored = BoundedNeighbours.readFrom(input(bytes(live)), 3, below(8));
        assertThat(bytes(restored)).isEqualTo(bytes(live));
        for (int step = 0; step < 100; step++) {
            int key = random.nextInt(8);
            double amount = 1 + random.nextInt(2);
            live.add(key, amount);
            restored.add(key, amount);
            assertThat(bytes(restored)).as("step %d", step).isEqualTo(bytes(live));
        }
    }

    /** A stamp beyond the clock, or a rank beyond the size, is refused with what it was. */
    @Test
    void aStampBeyondTheClockOrARankBeyondTheSizeIsRefused() throws Exception {
        ByteArrayOutputStream stamped = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(stamped);
        out.writeInt(1); // size
        out.writeInt(3); // clock
        out.writeInt(7); // key
        out.writeDouble(1.0);
        out.writeInt(4); // stamp after the clock
        assertThatThrownBy(
                        () -> BoundedNeighbours.readFrom(input(stamped.toByteArray()), 3, below(8)))
                .isInstanceOf(IOException.class)
                .hasMessage("update stamp 4 of clock 3");
        ByteArrayOutputStream ranked = new ByteArrayOutputStream();
        out = new DataOutputStream(ranked);
        out.writeInt(1); // size
        out.writeInt(7); // key
        out.writeDouble(1.0);
        out.writeInt(2); // rank after the size
        assertThatThrownBy(
                        () ->
                                BoundedNeighbours.readRankedFrom(
                                        input(ranked.toByteArray()), 3, below(8)))
                .isInstanceOf(IOException.class)
                .hasMessage("recency rank 2 of 1");
    }

    /**
     * A key is an index into what the list is of (items or users): one beyond them, or twice in one
     * list, is refused; the next list may hold the same key again.
     */
    @Test
    void aKeyBeyondTheIndexedOrTwiceInOneListIsRefused() throws Exception {
        RestoredKeys keys = below(8);
        BoundedNeighbours first = BoundedNeighbours.readFrom(input(list(7, 3)), 3, keys);
        BoundedNeighbours second = BoundedNeighbours.readFrom(input(list(3, 7)), 3, keys);
        assertThat(first.strongest()).containsExactlyInAnyOrder(second.strongest());
        assertThatThrownBy(() -> BoundedNeighbours.readFrom(input(list(3, 8)), 3, keys))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt key 8 of 8");
        assertThatThrownBy(() -> BoundedNeighbours.readFrom(input(list(-1)), 3, keys))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt key -1 of 8");
        assertThatThrownBy(() -> BoundedNeighbours.readRankedFrom(input(ranked(5, 5)), 3, keys))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt key 5 twice in one list");
    }

    /** A list as {@link BoundedSlots#writeTo} writes it, of {@code keys} with weight 1. */
    private static byte[] list(int... keys) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(keys.length); // size
        out.writeInt(keys.length); // clock
        for (int s = 0; s < keys.length; s++) {
            out.writeInt(keys[s]);
            out.writeDouble(1.0);
            out.writeInt(s + 1); // stamp
        }
        return bytes.toByteArray();
    }

    /** A list as statistics versions 1 to 3 wrote it, of {@code keys} with weight 1. */
    private static byte[] ranked(int... keys) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(keys.length); // size
        for (int s = 0; s < keys.length; s++) {
            out.writeInt(keys[s]);
            out.writeDouble(1.0);
            out.writeInt(s + 1); // rank
        }
        return bytes.toByteArray();
    }

    /**
     * The update clock moves back by the oldest stamp before it would overflow: a list whose clock
     * starts just below the limit keeps, evicts and writes exactly what a fresh one does.
     */
    @Test
    void aClockAboutToOverflowOrdersTiesAsAFreshOne() throws Exception {
        BoundedNeighbours fresh = new BoundedNeighbours(3);
        BoundedNeighbours late = new BoundedNeighbours(3, Integer.MAX_VALUE - 2);
        Random random = new Random(3);
        for (int step = 0; step < 200; step++) {
            int key = random.nextInt(6);
            double amount = 1 + random.nextInt(2);
            fresh.add(key, amount);
            late.add(key, amount);
            assertThat(bytes(late)).as("step %d", step).isEqualTo(bytes(fresh));
        }
    }

    /** Keys {@code 0 .. count - 1}, each once per list. */
    private static RestoredKeys below(int count) {
        return new RestoredKeys("key", count);
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    private static byte[] bytes(BoundedNeighbours n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        n.writeTo(new DataOutputStream(out));
        return out.toByteArray();
    }
}
