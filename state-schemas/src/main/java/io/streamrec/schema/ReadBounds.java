package io.streamrec.schema;

import java.io.DataInput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Upper bounds on the lengths a deserializer reads before it allocates. A length beyond its bound
 * can only come from corrupt bytes; checking it turns them into an {@link IOException} naming what
 * was read, where an unchecked {@code new float[in.readInt()]} would be an {@link OutOfMemoryError}
 * or a {@link NegativeArraySizeException}. The bounds are far above what the formats legitimately
 * hold and change no format.
 */
public final class ReadBounds {
    /**
     * Floats in one vector: a row's weights or optimizer slots (the largest rows are {@code
     * dense:W}, {@code model.dim}², and {@code dense:U}, {@code model.content-dim} × {@code
     * model.dim}; FTRL keeps two slots per weight), a content vector, a gradient. 64 MiB of floats.
     * Writers refuse a longer vector and the job's settings keep every row within it, so what a
     * checkpoint holds always reads back.
     */
    public static final int MAX_VECTOR_LENGTH = 1 << 24;

    /**
     * Entries in one list: an item's attributes, the items a user remembers ({@code
     * worker.max-user-items}), the events of one evaluation marker, the items of one result.
     */
    public static final int MAX_LIST_LENGTH = 1 << 20;

    /** Bytes of one raw Kafka record value; Kafka's own default limit is 1 MiB. */
    public static final int MAX_RECORD_BYTES = 64 << 20;

    /**
     * Ids in one subtask's dictionary (items, users, title words) and entries in the statistics
     * indexed by them: 64 Mi, several GiB of heap per statistic.
     */
    public static final int MAX_IDS = 1 << 26;

    /**
     * What a reader allocates at once: a longer array grows as its bytes arrive, so a corrupt
     * length within a bound ends at the end of the data, an {@link IOException}, rather than in an
     * allocation the data never fills.
     */
    static final int ALLOCATION_STEP = 1 << 20;

    private ReadBounds() {}

    /**
     * The initial capacity of a list of {@code n} records read one by one: a few, not {@code n},
     * since a corrupt {@code n} within {@link #MAX_LIST_LENGTH} would otherwise allocate MiBs of
     * slots before the data ends; the list grows as its records arrive.
     */
    static int listCapacity(int n) {
        return Math.min(n, LIST_CAPACITY);
    }

    private static final int LIST_CAPACITY = 1 << 10;

    /**
     * Reads {@code length} bytes (checked by the caller against its bound), allocating as they
     * arrive.
     */
    public static byte[] readBytes(DataInput in, int length) throws IOException {
        byte[] bytes = new byte[Math.min(length, ALLOCATION_STEP)];
        int read = 0;
        while (true) {
            in.readFully(bytes, read, bytes.length - read);
            read = bytes.length;
            if (read == length) {
                return bytes;
            }
            bytes = Arrays.copyOf(bytes, grown(read, length));
        }
    }

    /** The next capacity of an array of {@code size} elements, filled, on its way to {@code n}. */
    static int grown(int size, int n) {
        return (int) Math.min(n, Math.max(ALLOCATION_STEP, 2L * size));
    }

    /**
     * Returns {@code length} when it lies in {@code 0..max}.
     *
     * @param what what the length counts, e.g. {@code "ParameterRow.weights"}
     * @throws IOException naming {@code what}, the length read and the bound otherwise
     */
    public static int checkLength(int length, int max, String what) throws IOException {
        if (length < 0 || length > max) {
            throw new IOException(
                    "corrupt length " + length + " read for " + what + " (bound 0.." + max + ")");
        }
        return length;
    }
}
