package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.IOException;

/**
 * Checks the indices of restored lists (neighbour lists, recent ids, histories, postings): each
 * below the count of what it indexes, and none twice in one list. A restore accepting either would
 * hand a read an index out of bounds on the task thread (at every restart) or a wrong item. A bit
 * per index, allocated at the first check and cleared after each list: a check costs a few
 * operations on a bitset small enough to stay in cache, and nothing is allocated per list.
 */
final class RestoredKeys {
    private final String what;
    private final int count;
    private long[] seen;

    /**
     * @param what what the indices are, for the error
     * @param count the indices allowed, {@code 0 .. count - 1}
     */
    RestoredKeys(String what, int count) {
        this.what = what;
        this.count = count;
    }

    /**
     * A count of lists or entries, one per item or user of the {@code indexed} read before, so at
     * most that many (the indices only grow): more is corrupt.
     */
    static int readCount(DataInput in, String what, int indexed) throws IOException {
        int count = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_IDS, what);
        if (count > indexed) {
            throw new IOException("corrupt " + what + " " + count + ", " + indexed + " indexed");
        }
        return count;
    }

    /** Refuses a list, {@code keys[from .. to - 1]}, with an index out of range or twice. */
    void check(int[] keys, int from, int to) throws IOException {
        if (seen == null) {
            seen = new long[(count + 63) >>> 6];
        }
        int k = from;
        try {
            for (; k < to; k++) {
                int key = keys[k];
                if (key < 0 || key >= count) {
                    throw new IOException("corrupt " + what + " " + key + " of " + count);
                }
                long bit = 1L << key;
                long word = seen[key >>> 6];
                if ((word & bit) != 0) {
                    throw new IOException("corrupt " + what + " " + key + " twice in one list");
                }
                seen[key >>> 6] = word | bit;
            }
        } finally {
            for (int c = from; c < k; c++) {
                seen[keys[c] >>> 6] = 0; // every bit set there is this list's
            }
        }
    }
}
