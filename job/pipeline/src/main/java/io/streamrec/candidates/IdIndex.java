package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.BitSet;

/**
 * Dense indices for string ids (items or users), in order of first sight: the statistics keep
 * per-id state in arrays and neighbour lists of ints, which is several times smaller and faster
 * than maps of strings. The ids are found through an open-addressing table of indices (linear
 * probing, at most half full) and kept in an {@link IdStore}: as strings for items, whose ids every
 * ranked candidate carries, and {@link #packed} as bytes for users, whose ids every serving subtask
 * holds and rarely reads back.
 */
final class IdIndex {
    private final IdStore ids;

    /**
     * Whether a new id takes a forgotten id's index ({@link #users}): then the index grows with
     * distinct ids held, not with forget-then-return cycles.
     */
    private final boolean reusesForgotten;

    /**
     * The forgotten indices not yet given again, when {@link #reusesForgotten}; their placeholders
     * are not in the table, so no id (not even one equal to a placeholder) finds them.
     */
    private final BitSet forgotten = new BitSet();

    /** Per slot: an index + 1, 0 when empty. */
    private int[] table = new int[32];

    /**
     * The last id {@link #find} found, by reference, and its index: one event's user id is looked
     * up several times (candidates, features, context, statistics), each a hash and a byte compare
     * of a packed id otherwise. Only found ids are kept, so a later {@link #of} cannot outdate one.
     */
    private String lastFound;

    private int lastIndex;

    /** An index that keeps its ids as strings. */
    IdIndex() {
        this(new StringIds(), false);
    }

    private IdIndex(IdStore ids, boolean reusesForgotten) {
        this.ids = ids;
        this.reusesForgotten = reusesForgotten;
    }

    /** An index that keeps its ids packed as bytes: smaller, and slower to read an id back. */
    static IdIndex packed() {
        return new IdIndex(new PackedIds(), false);
    }

    /**
     * A {@link #packed} index of user ids, whose new ids take forgotten users' indices, the lowest
     * first, also after a restore (a forgotten index holds its placeholder, which no valid id
     * equals: user ids are validated). The caller resets what it keeps by index when {@link #of}
     * gives an index below {@link #size} to an id {@link #find} did not know.
     */
    static IdIndex users() {
        return new IdIndex(new PackedIds(), true);
    }

    /** The id's index, assigned now if the id is new. */
    int of(String id) {
        if (id == lastFound) {
            return lastIndex;
        }
        int slot = slotOf(id);
        if (table[slot] != 0) {
            return table[slot] - 1;
        }
        int free = forgotten.nextSetBit(0);
        if (free >= 0) {
            forgotten.clear(free);
            ids.replace(free, id);
            table[slot] = free + 1; // a free index's placeholder holds no slot
            return free;
        }
        int next = ids.add(id);
        table[slot] = next + 1;
        if (2 * ids.size() > table.length) {
            rehash(table.length * 2);
        }
        return next;
    }

    /** The slot holding {@code id}, or the empty slot where it would go. */
    private int slotOf(String id) {
        int mask = table.length - 1;
        for (int s = mix(ids.hashOf(id)) & mask; ; s = (s + 1) & mask) {
            int entry = table[s];
            if (entry == 0 || ids.matches(entry - 1, id)) {
                return s;
            }
        }
    }

    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void rehash(int capacity) {
        table = new int[capacity];
        int mask = capacity - 1;
        for (int index = 0; index < ids.size(); index++) {
            if (forgotten.get(index)) {
                continue; // a placeholder no lookup may find: its index is for the next new id
            }
            int s = mix(ids.hash(index)) & mask;
            while (table[s] != 0) {
                s = (s + 1) & mask;
            }
            table[s] = index + 1;
        }
    }

    /**
     * Replaces the id at {@code index} with a placeholder ({@code #} and the index: ids are
     * validated to {@code [A-Za-z0-9._:-]}, so no id equals it); the id itself is dropped, and a
     * later {@link #of} of it assigns an index anew (this one, in a {@link #users} index).
     */
    void forget(int index) {
        lastFound = null;
        ids.replace(index, placeholder(index));
        if (reusesForgotten) {
            forgotten.set(index);
        }
        rehash(table.length); // linear probing: rebuilt rather than a hole left in a probe chain
    }

    private static String placeholder(int index) {
        return "#" + index;
    }

    /** Writes the ids in index order. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.writeUTF(ids.id(i));
        }
    }

    /** Reads what {@link #writeTo} wrote into this index, which must be empty. */
    void readFrom(DataInput in) throws IOException {
        if (ids.size() > 0) {
            throw new IllegalStateException("reading ids into an index of " + ids.size());
        }
        int size = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_IDS, "IdIndex.ids");
        BitSet placeholders = new BitSet();
        for (int i = 0; i < size; i++) {
            String id = in.readUTF();
            if (of(id) != i) {
                throw new IOException("id " + id + " appears twice");
            }
            if (reusesForgotten && id.equals(placeholder(i))) {
                placeholders.set(i);
            }
        }
        if (!placeholders.isEmpty()) {
            forgotten.or(placeholders); // only now: while reading, each id takes the next index
            rehash(table.length);
        }
    }

    /** The id's index, -1 when it was never seen. */
    int find(String id) {
        if (id == lastFound) {
            return lastIndex;
        }
        int index = table[slotOf(id)] - 1;
        if (index >= 0) {
            lastFound = id;
            lastIndex = index;
        }
        return index;
    }

    /** {@code id(a).compareTo(id(b))} in sign, mostly from the ids' order keys. */
    int compare(int a, int b) {
        return compare(a, ids.orderKey(a), b, ids.orderKey(b));
    }

    /** {@link #compare(int, int)} with the ids' {@link #orderKey}s already read. */
    int compare(int a, long keyA, int b, long keyB) {
        if (keyA != keyB && keyA != 0 && keyB != 0) {
            return Long.compareUnsigned(keyA, keyB);
        }
        return ids.id(a).compareTo(ids.id(b));
    }

    /** The {@link #orderKey} of the id at {@code index}. */
    long orderKey(int index) {
        return ids.orderKey(index);
    }

    /**
     * The first eight chars of an id packed a byte each, 0 when one of them does not fit a byte:
     * where two such keys are non-zero and differ, their unsigned order is the ids' order (a
     * shorter id is padded with the lowest char), and comparing them costs no string read.
     */
    static long orderKey(String id) {
        long key = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            char c = i < id.length() ? id.charAt(i) : 0;
            if (c > 0xFF) {
                return 0;
            }
            key = key << 8 | c;
        }
        return key;
    }

    /** The order of two ids given with their {@link #orderKey}s. */
    static int compare(long keyA, String a, long keyB, String b) {
        if (keyA != keyB && keyA != 0 && keyB != 0) {
            return Long.compareUnsigned(keyA, keyB);
        }
        return a.compareTo(b);
    }

    /** For each index here, the same id's index in {@code other} (-1 where it has none). */
    int[] indicesIn(IdIndex other) {
        int[] indices = new int[ids.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = other.find(ids.id(i));
        }
        return indices;
    }

    String id(int index) {
        if (index >= ids.size()) {
            throw new IndexOutOfBoundsException("index " + index + " of " + ids.size() + " ids");
        }
        return ids.id(index);
    }

    int size() {
        return ids.size();
    }

    /** The bytes a packed index's store holds, replaced ids' included; -1 for strings (tests). */
    long packedBytes() {
        return ids instanceof PackedIds packed ? packed.bytesHeld() : -1;
    }
}
