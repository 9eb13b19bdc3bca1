package io.streamrec.candidates;

/**
 * How an {@link IdIndex} keeps its ids, by index: as strings ({@link StringIds}, fast to read back)
 * or packed as bytes ({@link PackedIds}, small). The index finds ids through its own table and asks
 * the store only to add, match, hash and read them.
 */
interface IdStore {
    /** Appends {@code id}; its index is the size before. */
    int add(String id);

    /** Puts {@code id} at {@code index} in place of the id there. */
    void replace(int index, String id);

    /** Whether the id at {@code index} equals {@code id}. */
    boolean matches(int index, String id);

    /** {@link #hashOf} of the id at {@code index}. */
    int hash(int index);

    /** A hash of {@code id}; equal ids hash alike. */
    int hashOf(String id);

    String id(int index);

    /** {@link IdIndex#orderKey(String)} of the id at {@code index}, or 0. */
    long orderKey(int index);

    int size();
}
