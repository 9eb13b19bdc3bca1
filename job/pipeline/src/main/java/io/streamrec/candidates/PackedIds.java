package io.streamrec.candidates;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Ids as UTF-8 bytes, each behind its length, in chunks of 128 KiB: an id of n ASCII chars costs
 * about n + 5 bytes, where a string costs a 24-byte object, an array of 16 bytes and more and a
 * reference. Every serving subtask holds every user's id, so this is a per-user cost that does not
 * divide by parallelism. Reading an id back builds a string; matching and hashing an ASCII id
 * compare its chars to the bytes in place.
 */
final class PackedIds implements IdStore {
    private static final int CHUNK_BITS = 17;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int WITHIN = CHUNK - 1;

    private byte[][] chunks = new byte[1][];

    /** Where the next id goes: chunk number, then position within the chunk. */
    private long end;

    /** By index: where its id starts. */
    private int[] starts = new int[16];

    private int size;

    /** Bytes of ids replaced since the last {@link #compact}, still in the chunks. */
    private long garbage;

    @Override
    public int add(String id) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
        }
        replace(size, id);
        return size++;
    }

    @Override
    public void replace(int index, String id) {
        if (index < size) {
            int length = length(index);
            garbage += lengthBytes(length) + length;
        }
        starts[index] = place(id.getBytes(StandardCharsets.UTF_8));
        if (garbage > CHUNK && garbage > end / 2) {
            compact();
        }
    }

    /**
     * Writes the ids again without the replaced ones: a replaced id's bytes stay where they were
     * (ids are appended), so ids replaced again and again (forgotten users' placeholders, and the
     * new users given their indices) would otherwise grow the chunks without bound.
     */
    private void compact() {
        byte[][] live = new byte[size][];
        for (int i = 0; i < size; i++) {
            int length = length(i);
            int from = from(i, length);
            live[i] = Arrays.copyOfRange(chunk(i), from, from + length);
        }
        chunks = new byte[1][];
        end = 0;
        garbage = 0;
        for (int i = 0; i < size; i++) {
            starts[i] = place(live[i]);
        }
    }

    /** Bytes the chunks hold up to the last id, replaced ids' bytes included (tests). */
    long bytesHeld() {
        return end;
    }

    private int place(byte[] bytes) {
        int need = lengthBytes(bytes.length) + bytes.length;
        if (need > CHUNK) {
            throw new IllegalArgumentException("an id of " + bytes.length + " bytes");
        }
        if ((end & WITHIN) + need > CHUNK) {
            end = (end | WITHIN) + 1; // an id never straddles two chunks
        }
        if (end + need > Integer.MAX_VALUE) {
            throw new IllegalStateException("ids beyond 2 GiB in one index");
        }
        int at = (int) end;
        int chunk = at >>> CHUNK_BITS;
        if (chunk == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        if (chunks[chunk] == null) {
            chunks[chunk] = new byte[CHUNK];
        }
        byte[] c = chunks[chunk];
        int p = at & WITHIN;
        for (int length = bytes.length; ; length >>>= 7) {
            if (length < 0x80) {
                c[p++] = (byte) length;
                break;
            }
            c[p++] = (byte) (length & 0x7F | 0x80);
        }
        System.arraycopy(bytes, 0, c, p, bytes.length);
        end += need;
        return at;
    }

    private static int lengthBytes(int length) {
        return length < 1 << 7 ? 1 : length < 1 << 14 ? 2 : 3;
    }

    /** The chunk of the id at {@code index}; {@link #from} and {@link #length} locate it there. */
    private byte[] chunk(int index) {
        return chunks[starts[index] >>> CHUNK_BITS];
    }

    /** Where the id's bytes start in its chunk, after its {@code length}. */
    private int from(int index, int length) {
        return (starts[index] & WITHIN) + lengthBytes(length);
    }

    private int length(int index) {
        byte[] c = chunk(index);
        int p = starts[index] & WITHIN;
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = c[p++];
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                return length;
            }
        }
    }

    @Override
    public boolean matches(int index, String id) {
        byte[] c = chunk(index);
        int length = length(index);
        int from = from(index, length);
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (ch >= 0x80) {
                byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
                return Arrays.equals(bytes, 0, bytes.length, c, from, from + length);
            }
            if (i >= length || c[from + i] != ch) {
                return false;
            }
        }
        return length == id.length();
    }

    @Override
    public int hash(int index) {
        int length = length(index);
        int from = from(index, length);
        return hashOf(chunk(index), from, from + length);
    }

    /** The bytes' hash as {@link String#hashCode} would give it for their chars, read unsigned. */
    private static int hashOf(byte[] bytes, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + (bytes[i] & 0xFF);
        }
        return h;
    }

    @Override
    public int hashOf(String id) {
        int h = 0;
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (ch >= 0x80) {
                byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
                return hashOf(bytes, 0, bytes.length);
            }
            h = 31 * h + ch;
        }
        return h;
    }

    @Override
    public String id(int index) {
        int length = length(index);
        return new String(chunk(index), from(index, length), length, StandardCharsets.UTF_8);
    }

    /** As {@link IdIndex#orderKey(String)} of ASCII ids; 0 where a non-ASCII char comes first. */
    @Override
    public long orderKey(int index) {
        byte[] c = chunk(index);
        int length = length(index);
        int from = from(index, length);
        long key = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            byte b = i < length ? c[from + i] : 0;
            if (b < 0) {
                return 0;
            }
            key = key << 8 | b;
        }
        return key;
    }

    @Override
    public int size() {
        return size;
    }
}
