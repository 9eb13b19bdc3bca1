package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Every user's latest distinct items, by user index, each list as a {@link RecentIds} keeps one:
 * adding an item again makes it the most recent, and the oldest falls out beyond the user's cap.
 * Each user's list is one int array, its count first and then the items oldest first, with no
 * object around it: every serving subtask holds every user's latest items, so what a user costs
 * beyond its items is paid once per user on every subtask (36 bytes for a user of 3 items, where a
 * {@link RecentIds} and its array took 60).
 */
public final class UserHistories {
    /** No items: shared, never written (an add to it makes the user's own array). */
    private static final int[] EMPTY = {0};

    private int[][] lists = new int[16][];
    private int users;

    /** Users with a list, empty or not: indices {@code 0 .. users() - 1}. */
    int users() {
        return users;
    }

    /** Gives users up to index {@code count - 1} a list, empty for the new ones. */
    void ensureUsers(int count) {
        if (count > lists.length) {
            lists = Arrays.copyOf(lists, Math.max(count, lists.length + (lists.length >> 1)));
        }
        while (users < count) {
            lists[users++] = EMPTY;
        }
    }

    /** Empties the user's list. */
    void clear(int user) {
        lists[user] = EMPTY;
    }

    /** The user's item count, 0 for a user without a list (or index -1). */
    public int size(int user) {
        return user >= 0 && user < users ? lists[user][0] : 0;
    }

    /** The user's most recent item; 0 for a user without items (as for item 0: a read only). */
    int newest(int user) {
        if (user < 0 || user >= users) {
            return 0;
        }
        int[] list = lists[user];
        return list[list[0]];
    }

    /** The user's {@code i}-th most recent item, {@code 0 <= i < size(user)}. */
    public int get(int user, int i) {
        int[] list = lists[user];
        return list[list[0] - i];
    }

    /** {@link #addLatest(int, int, double, double, ItemScores, NeighbourSupport)} alone (tests). */
    void addLatest(int user, int n, double weight, double decay, ItemScores scores) {
        addLatest(user, n, weight, decay, scores, null);
    }

    /**
     * Adds {@code weight * decay^p} to the score of the user's {@code p}-th most recent item, for
     * {@code p < n}: one read of the user's list, where {@link #get} per item reads it each time.
     * Each item is also added to {@code support}, if given, at {@code weight}; {@code scores} may
     * be null when only {@code support} is filled.
     */
    void addLatest(
            int user,
            int n,
            double weight,
            double decay,
            ItemScores scores,
            NeighbourSupport support) {
        if (user < 0 || user >= users) {
            return;
        }
        int[] list = lists[user];
        int newest = list[0];
        int end = Math.min(n, newest);
        double w = weight;
        for (int p = 0; p < end; p++) {
            int item = list[newest - p];
            if (scores != null) {
                scores.add(item, w);
            }
            if (support != null) {
                support.addItem(item, weight);
            }
            w *= decay;
        }
    }

    /** Up to {@code n} of the user's items, the most recent first. */
    public int[] mostRecent(int user, int n) {
        int k = Math.min(n, size(user));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = get(user, i);
        }
        return out;
    }

    /**
     * Makes {@code item} the user's most recent, dropping the oldest when the user already has
     * {@code cap} items (as {@link RecentIds#add}); a list longer than {@code cap} (its cap was
     * larger) first keeps its latest {@code cap}.
     */
    void add(int user, int item, int cap) {
        trim(user, cap);
        int[] list = lists[user];
        int size = list[0];
        int at = positionOf(list, item);
        if (at > 0) {
            System.arraycopy(list, at + 1, list, at, size - at);
            size--;
        } else if (size == cap) {
            System.arraycopy(list, 2, list, 1, size - 1);
            size--;
        } else if (size + 1 == list.length) {
            // by half, from one: most users have few items, and each array is held everywhere
            int grown = Math.min(cap, Math.max(size + 1, size + (size >> 1)));
            list = Arrays.copyOf(list, 1 + grown);
            lists[user] = list;
        }
        list[++size] = item;
        list[0] = size;
    }

    /** The item's position in the list (1 for the oldest), 0 when absent. */
    private static int positionOf(int[] list, int item) {
        for (int p = list[0]; p > 0; p--) {
            if (list[p] == item) {
                return p;
            }
        }
        return 0;
    }

    /** Keeps the user's {@code cap} most recent items. */
    void trim(int user, int cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive: " + cap);
        }
        int[] list = lists[user];
        int size = list[0];
        if (size > cap) {
            int[] kept = new int[1 + cap];
            System.arraycopy(list, 1 + size - cap, kept, 1, cap);
            kept[0] = cap;
            lists[user] = kept;
        }
    }

    /**
     * Gives user {@code to} the list of {@code other}'s user {@code from}, oldest first, each item
     * {@code i} as {@code toNew[i]} (indexed differently elsewhere), an item mapped to -1 dropped.
     */
    void copyTranslated(UserHistories other, int from, int to, int[] toNew, int cap) {
        int[] source = other.lists[from]; // before the clear: other may be this
        clear(to);
        for (int p = Math.max(1, source[0] - cap + 1); p <= source[0]; p++) {
            int item = source[p] < toNew.length ? toNew[source[p]] : -1;
            if (item >= 0) {
                add(to, item, cap);
            }
        }
    }

    /** Writes the user count, then per user its count and items oldest first. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(users);
        for (int u = 0; u < users; u++) {
            int[] list = lists[u];
            out.writeInt(list[0]);
            for (int p = 1; p <= list[0]; p++) {
                out.writeInt(list[p]);
            }
        }
    }

    /**
     * Reads the next user's list, as {@link #writeTo} wrote it, with at most {@code cap} items,
     * each checked by {@code items}.
     */
    void readUser(DataInput in, int cap, RestoredKeys items) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > cap) {
            throw new IOException("recent ids of " + size + " entries, cap " + cap);
        }
        ensureUsers(users + 1);
        if (size > 0) {
            int[] list = new int[1 + size];
            list[0] = size;
            for (int p = 1; p <= size; p++) {
                list[p] = in.readInt();
            }
            items.check(list, 1, 1 + size);
            lists[users - 1] = list;
        }
    }

    /** Items held, over all users. */
    long totalSize() {
        long total = 0;
        for (int u = 0; u < users; u++) {
            total += lists[u][0];
        }
        return total;
    }

    /** The longest list. */
    int longest() {
        int longest = 0;
        for (int u = 0; u < users; u++) {
            longest = Math.max(longest, lists[u][0]);
        }
        return longest;
    }
}
