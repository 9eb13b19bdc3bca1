package io.streamrec.candidates;

import java.util.Arrays;

/**
 * Ids as their strings, with each id's {@link IdIndex#orderKey order key} beside it: reading an id
 * back allocates nothing, which the item ids that every ranked candidate carries need.
 */
final class StringIds implements IdStore {
    private String[] ids = new String[16];
    private long[] orderKeys = new long[16];
    private int size;

    @Override
    public int add(String id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            orderKeys = Arrays.copyOf(orderKeys, size * 2);
        }
        replace(size, id);
        return size++;
    }

    @Override
    public void replace(int index, String id) {
        ids[index] = id;
        orderKeys[index] = IdIndex.orderKey(id);
    }

    @Override
    public boolean matches(int index, String id) {
        return ids[index].equals(id);
    }

    @Override
    public int hash(int index) {
        return ids[index].hashCode();
    }

    @Override
    public int hashOf(String id) {
        return id.hashCode();
    }

    @Override
    public String id(int index) {
        return ids[index];
    }

    @Override
    public long orderKey(int index) {
        return orderKeys[index];
    }

    @Override
    public int size() {
        return size;
    }
}
