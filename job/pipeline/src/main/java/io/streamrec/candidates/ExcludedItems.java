package io.streamrec.candidates;

import java.util.Arrays;

/**
 * The items one read must skip (the user's own), as a stamp per item index: marking costs the
 * user's item count, testing one item is an array read, and nothing is cleared between reads.
 */
final class ExcludedItems {
    private int[] stamps = new int[16];
    private int stamp;

    ExcludedItems() {
        this(0);
    }

    /** Starting from stamp {@code stamp} (tests start near the wrap). */
    ExcludedItems(int stamp) {
        this.stamp = stamp;
    }

    /** Excludes exactly the user's items from now on (none for user -1). */
    void set(UserHistories histories, int user) {
        if (++stamp == 0) { // wrapped after 2^32 reads: every unmarked item would match
            Arrays.fill(stamps, 0);
            stamp = 1;
        }
        for (int i = 0; i < histories.size(user); i++) {
            int item = histories.get(user, i);
            if (item >= stamps.length) {
                stamps = Arrays.copyOf(stamps, Math.max(item + 1, stamps.length * 2));
            }
            stamps[item] = stamp;
        }
    }

    boolean contains(int item) {
        return item < stamps.length && stamps[item] == stamp;
    }
}
