package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense indices for string ids (items or users), in order of first sight: the statistics keep
 * per-id state in arrays and neighbour lists of ints, which is several times smaller and faster
 * than maps of strings.
 */
final class IdIndex {
    private final Map<String, Integer> indices = new HashMap<>();
    private final List<String> ids = new ArrayList<>();
    private long[] orderKeys = new long[16];

    /** The id's index, assigned now if the id is new. */
    int of(String id) {
        Integer index = indices.get(id);
        if (index != null) {
            return index;
        }
        int next = ids.size();
        indices.put(id, next);
        ids.add(id);
        if (next == orderKeys.length) {
            orderKeys = Arrays.copyOf(orderKeys, next * 2);
        }
        orderKeys[next] = orderKey(id);
        return next;
    }

    /**
     * Replaces the id at {@code index} with a placeholder ({@code #} and the index: ids are
     * validated to {@code [A-Za-z0-9._:-]}, so no id equals it); the id itself is dropped, and a
     * later {@link #of} of it assigns a new index.
     */
    void forget(int index) {
        indices.remove(ids.get(index));
        String placeholder = "#" + index;
        ids.set(index, placeholder);
        indices.put(placeholder, index);
        orderKeys[index] = orderKey(placeholder);
    }

    /** Writes the ids in index order. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(id);
        }
    }

    /** Reads what {@link #writeTo} wrote into this index, which must be empty. */
    void readFrom(DataInput in) throws IOException {
        if (!ids.isEmpty()) {
            throw new IllegalStateException("reading ids into an index of " + ids.size());
        }
        int size = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_IDS, "IdIndex.ids");
        for (int i = 0; i < size; i++) {
            String id = in.readUTF();
            if (of(id) != i) {
                throw new IOException("id " + id + " appears twice");
            }
        }
    }

    /** The id's index, -1 when it was never seen. */
    int find(String id) {
        Integer index = indices.get(id);
        return index == null ? -1 : index;
    }

    /** {@code id(a).compareTo(id(b))} in sign, mostly from the ids' order keys. */
    int compare(int a, int b) {
        return compare(a, orderKeys[a], b, orderKeys[b]);
    }

    /** {@link #compare(int, int)} with the ids' {@link #orderKey}s already read. */
    int compare(int a, long keyA, int b, long keyB) {
        if (keyA != keyB && keyA != 0 && keyB != 0) {
            return Long.compareUnsigned(keyA, keyB);
        }
        return ids.get(a).compareTo(ids.get(b));
    }

    /** The {@link #orderKey} of the id at {@code index}. */
    long orderKey(int index) {
        return orderKeys[index];
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
            indices[i] = other.find(ids.get(i));
        }
        return indices;
    }

    String id(int index) {
        return ids.get(index);
    }

    int size() {
        return ids.size();
    }
}
