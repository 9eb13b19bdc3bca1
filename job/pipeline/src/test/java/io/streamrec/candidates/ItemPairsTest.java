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

/** Item-to-item statistics: the incoming transitions mirror the capped rows of T exactly. */
class ItemPairsTest {
    private static final int ITEMS = 12;
    private static final int CAP = 3;

    @Test
    void incomingTransitionsMirrorEveryRowOfTThroughEvictionsAndARestore() throws IOException {
        ItemPairs pairs = new ItemPairs(CAP);
        Random random = new Random(11);
        int previous = -1;
        for (int e = 0; e < 5_000; e++) {
            int item = random.nextInt(random.nextInt(ITEMS) + 1); // low indices popular
            pairs.add(item, previous < 0 ? new int[0] : new int[] {previous});
            previous = random.nextInt(10) == 0 ? -1 : item; // now and then a new user
            if (e % 97 == 0) {
                assertMirrors(pairs);
            }
        }
        assertMirrors(pairs);
        // rows full and evicting: more successors were seen than a row keeps
        assertThat(pairs.transitionEntries()).isEqualTo((long) ITEMS * CAP);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        pairs.writeTo(new DataOutputStream(bytes));
        ItemPairs restored = new ItemPairs(CAP);
        restored.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), false, ITEMS);
        assertMirrors(restored);
        for (int e = 0; e < 500; e++) {
            int item = random.nextInt(ITEMS);
            int[] recent = {random.nextInt(ITEMS)};
            pairs.add(item, recent);
            restored.add(item, recent);
        }
        assertMirrors(restored);
    }

    @Test
    void aTransitionAtTheLargestCountStaysMirroredAfterARestore() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(2); // items
        for (int item = 0; item < 2; item++) {
            out.writeLong(Integer.MAX_VALUE); // n
            out.writeLong(item == 0 ? Integer.MAX_VALUE : 0); // out
            out.writeInt(0); // C: no neighbours, clock 0
            out.writeInt(0);
            if (item == 0) { // T[0][1] = 2^31 - 1
                out.writeInt(1);
                out.writeInt(1);
                out.writeInt(1);
                out.writeDouble(Integer.MAX_VALUE);
                out.writeInt(1);
            } else {
                out.writeInt(0);
                out.writeInt(0);
            }
        }
        ItemPairs pairs = new ItemPairs(CAP);
        pairs.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), false, 2);
        pairs.add(1, new int[] {0});
        assertThat(pairs.transition(0, 1)).isEqualTo(Integer.MAX_VALUE);
        assertMirrors(pairs);
    }

    /**
     * Rows hold the items with pairs, each once: a co-occurrence or transition beyond them (read on
     * as an index out of bounds, or as an item the index lacks) or twice in a row is corrupt, and
     * so are pairs of more items than the index holds.
     */
    @Test
    void aNeighbourBeyondTheItemsOrTwiceInARowIsCorrupt() {
        assertCorrupt(
                twoItems(new int[] {1, 2}, new int[0]), 2, "corrupt ItemPairs neighbour 2 of 2");
        assertCorrupt(
                twoItems(new int[] {-1}, new int[0]), 2, "corrupt ItemPairs neighbour -1 of 2");
        assertCorrupt(twoItems(new int[0], new int[] {5}), 2, "corrupt ItemPairs neighbour 5 of 2");
        assertCorrupt(
                twoItems(new int[] {1, 1}, new int[0]),
                2,
                "corrupt ItemPairs neighbour 1 twice in one list");
        assertCorrupt(
                twoItems(new int[] {1}, new int[] {1}), 1, "corrupt ItemPairs.items 2, 1 indexed");
    }

    private static void assertCorrupt(byte[] bytes, int itemCount, String message) {
        assertThatThrownBy(
                        () ->
                                new ItemPairs(CAP)
                                        .readFrom(
                                                new DataInputStream(
                                                        new ByteArrayInputStream(bytes)),
                                                false,
                                                itemCount))
                .isInstanceOf(IOException.class)
                .hasMessage(message);
    }

    /**
     * Two items, the first with the rows {@code c} and {@code t} (count 1 each), the second none.
     */
    private static byte[] twoItems(int[] c, int[] t) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeInt(2); // items
            out.writeLong(1); // n
            out.writeLong(t.length); // out
            writeRow(out, c);
            writeRow(out, t);
            out.writeLong(1);
            out.writeLong(0);
            writeRow(out);
            writeRow(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeRow(DataOutputStream out, int... keys) throws IOException {
        out.writeInt(keys.length); // size
        out.writeInt(keys.length); // clock
        for (int s = 0; s < keys.length; s++) {
            out.writeInt(keys[s]);
            out.writeDouble(1);
            out.writeInt(s + 1); // stamp
        }
    }

    /** For every pair, the weight in b's incoming list is exactly T[a][b] (0 when absent). */
    private static void assertMirrors(ItemPairs pairs) {
        for (int a = 0; a < ITEMS; a++) {
            for (int b = 0; b < ITEMS; b++) {
                IncomingTransitions into = pairs.incomingRow(b);
                int mirrored = into == null ? 0 : into.weight(a);
                assertThat(mirrored).as("T[%d][%d]", a, b).isEqualTo(pairs.transition(a, b));
            }
        }
    }
}
