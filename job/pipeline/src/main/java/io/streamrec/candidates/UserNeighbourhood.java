package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Who else acts like a user: the recent users of each item, and per user the users who recently
 * interacted with the same items, weighted by shared events decayed at {@code halfLife} (stored
 * anchored, see {@link HalfLife}, so the bounded lists evict the weakest at the current time). An
 * event of user {@code u} on item {@code i} adds 1 to the similarity of {@code u} to each recent
 * user {@code v} of {@code i}, and under {@link SimilarUsers#BOTH_WAYS} of {@code v} to {@code u}.
 * Both lists are capped: state grows with users and items. Similar users may be kept for a share of
 * the users only (a serving subtask's own): each list is updated by the same events either way.
 */
final class UserNeighbourhood {
    /**
     * The similar users of every user without any: most users' on a serving subtask, whose lists
     * other subtasks keep. Shared and never changed: {@link #similarOf} replaces it before a merge.
     */
    private static final BoundedNeighbours NONE = new BoundedNeighbours(1);

    private final int usersPerItem;
    private final int similarPerUser;
    private final HalfLife halfLife;
    private final boolean bothWays;
    private final List<RecentIds> recentUsers = new ArrayList<>();
    private final List<BoundedNeighbours> similar = new ArrayList<>();

    /** Scratch of {@link #recentItemsOfSimilar}: the similarities at one read, newest items. */
    private double[] weights = new double[0];

    private int[] newestItems = new int[0];

    UserNeighbourhood(int usersPerItem, int similarPerUser, HalfLife halfLife, SimilarUsers rule) {
        this.usersPerItem = usersPerItem;
        this.similarPerUser = similarPerUser;
        this.halfLife = halfLife;
        this.bothWays = rule == SimilarUsers.BOTH_WAYS;
    }

    /** An event of {@code user} on {@code item}; similar users are kept for {@code held} only. */
    void add(int user, int item, long t, IntPredicate held) {
        while (recentUsers.size() <= item) {
            recentUsers.add(new RecentIds(usersPerItem));
        }
        while (similar.size() <= user) {
            similar.add(NONE);
        }
        RecentIds users = recentUsers.get(item);
        double one = halfLife.anchor(1.0, t);
        boolean holdsUser = held.test(user);
        if (holdsUser || bothWays) {
            for (int other : users.mostRecent(usersPerItem)) {
                if (other != user) {
                    if (holdsUser) {
                        similarOf(user).merge(other, one, HalfLife::log2Sum);
                    }
                    if (bothWays && held.test(other)) {
                        similarOf(other).merge(user, one, HalfLife::log2Sum);
                    }
                }
            }
        }
        users.add(user);
    }

    /** The user's list of similar users to change: its own, never {@link #NONE}. */
    private BoundedNeighbours similarOf(int user) {
        BoundedNeighbours row = similar.get(user);
        if (row == NONE) {
            row = new BoundedNeighbours(similarPerUser);
            similar.set(user, row);
        }
        return row;
    }

    /**
     * Removes a user: its similar users, and the user from every similar-user list and every item's
     * recent users (any list may hold the user: similarity goes into the lists of the users an
     * event meets, under {@link SimilarUsers#BOTH_WAYS}, and lists written under either rule may
     * have been restored).
     */
    void forget(int user) {
        if (user < similar.size()) {
            similar.set(user, NONE);
        }
        for (BoundedNeighbours row : similar) {
            row.removeKey(user);
        }
        for (RecentIds users : recentUsers) {
            users.remove(user);
        }
    }

    /** Empties the similar users of every user {@code held} rejects. */
    void dropSimilarUsersUnless(IntPredicate held) {
        for (int u = 0; u < similar.size(); u++) {
            if (similar.get(u).size() > 0 && !held.test(u)) {
                similar.set(u, NONE);
            }
        }
    }

    /**
     * Takes {@code other}'s similar users of every user {@code held} accepts that {@code other} has
     * a list for, translating user indices by {@code toMine} (-1: unknown here, skipped).
     */
    void adoptSimilarUsers(UserNeighbourhood other, int[] toMine, IntPredicate held) {
        for (int u = 0; u < other.similar.size(); u++) {
            BoundedNeighbours theirs = other.similar.get(u);
            int mine = toMine[u];
            if (theirs.size() == 0 || mine < 0 || !held.test(mine)) {
                continue;
            }
            while (similar.size() <= mine) {
                similar.add(NONE);
            }
            similar.set(mine, theirs.withKeys(toMine));
        }
    }

    /** Writes each item's recent users, then each user's similar users (anchored weights). */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(recentUsers.size());
        for (RecentIds users : recentUsers) {
            users.writeTo(out);
        }
        out.writeInt(similar.size());
        for (BoundedNeighbours row : similar) {
            row.writeTo(out);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into this neighbourhood, which must be empty; {@code
     * ranked}: lists as statistics versions 1 to 3 wrote them ({@link
     * BoundedNeighbours#readRankedFrom}); {@code writtenUsersPerItem}: the writer's cap of an
     * item's recent users, whose lists keep their newest {@code usersPerItem} here; {@code
     * itemCount} and {@code userCount}: the items and users indexed, which the lists are of.
     */
    void readFrom(
            DataInput in, boolean ranked, int writtenUsersPerItem, int itemCount, int userCount)
            throws IOException {
        if (!recentUsers.isEmpty() || !similar.isEmpty()) {
            throw new IllegalStateException("reading a neighbourhood into a non-empty one");
        }
        // every list holds users, each once: a user beyond them ends a read (or an update that
        // meets it) in an index out of bounds
        RestoredKeys keys = new RestoredKeys("UserNeighbourhood user", userCount);
        int items = RestoredKeys.readCount(in, "UserNeighbourhood.items", itemCount);
        for (int i = 0; i < items; i++) {
            RecentIds users =
                    RecentIds.readFrom(in, Math.max(usersPerItem, writtenUsersPerItem), keys);
            recentUsers.add(users.cap() == usersPerItem ? users : users.withCap(usersPerItem));
        }
        int users = RestoredKeys.readCount(in, "UserNeighbourhood.users", userCount);
        for (int u = 0; u < users; u++) {
            BoundedNeighbours row = readSimilar(in, ranked, keys, u);
            similar.add(row.size() == 0 ? NONE : row);
        }
    }

    /**
     * User {@code user}'s similar users, which never held the user: {@link #add} skips an event's
     * own user, and so did every version that wrote statistics; one there would weigh the user's
     * own items as a neighbour's.
     */
    private BoundedNeighbours readSimilar(DataInput in, boolean ranked, RestoredKeys keys, int user)
            throws IOException {
        BoundedNeighbours row =
                ranked
                        ? BoundedNeighbours.readRankedFrom(in, similarPerUser, keys)
                        : BoundedNeighbours.readFrom(in, similarPerUser, keys);
        if (row.slotOf(user) >= 0) {
            throw new IOException(
                    "corrupt UserNeighbourhood user " + user + " among its own similar users");
        }
        return row;
    }

    /** {@link BoundedNeighbours#compactStamps} of every similar-user list. */
    void compactUpdateStamps() {
        similar.forEach(BoundedNeighbours::compactStamps);
    }

    /**
     * The similarity of {@code u} to {@code v} at time {@code t}: decayed shared events, 0 where
     * {@code v} is not among {@code u}'s similar users (an anchored weight of 0 is not that).
     */
    double similarity(int u, int v, long t) {
        return u < similar.size()
                ? halfLife.valueAt(similar.get(u).weight(v, Double.NEGATIVE_INFINITY), t)
                : 0.0;
    }

    /**
     * Adds {@code sum_v sim(u, v) * decay^p} to {@code scores} over the similar users {@code v} of
     * {@code user} and their {@code itemsPerUser} latest items, {@code p} being the item's position
     * (0 = latest) in {@code histories} (per user), and fills {@code support} on the way; with
     * {@code scores} null, fills only {@code support}.
     */
    void recentItemsOfSimilar(
            int user,
            long t,
            UserHistories histories,
            int itemsPerUser,
            double decay,
            ItemScores scores,
            NeighbourSupport support) {
        support.start(user, t);
        if (user < 0 || user >= similar.size()) {
            return;
        }
        BoundedNeighbours row = similar.get(user);
        int n = row.size();
        if (weights.length < n) {
            weights = new double[n];
            newestItems = new int[n];
        }
        // every similar user's newest item first (kept, so the reads are not dropped as unused),
        // in a loop whose reads do not wait on each other: the CPU overlaps those cache misses
        // instead of meeting them one list at a time in the loop that adds
        for (int s = 0; s < n; s++) {
            weights[s] = halfLife.valueAt(row.weightAt(s), t);
            newestItems[s] = histories.newest(row.key(s));
        }
        for (int s = 0; s < n; s++) {
            support.addUser(weights[s]);
            histories.addLatest(row.key(s), itemsPerUser, weights[s], decay, scores, support);
        }
    }

    /** The user's similar users with anchored weights, null for a user without events. */
    BoundedNeighbours similarUsers(int user) {
        return user < similar.size() ? similar.get(user) : null;
    }

    /** The item's recent users, null for an item without events. */
    RecentIds recentUsers(int item) {
        return item < recentUsers.size() ? recentUsers.get(item) : null;
    }

    long recentUserEntries() {
        return recentUsers.stream().mapToLong(RecentIds::size).sum();
    }

    long similarUserEntries() {
        return similar.stream().mapToLong(BoundedNeighbours::size).sum();
    }

    int longestRecentUsers() {
        return recentUsers.stream().mapToInt(RecentIds::size).max().orElse(0);
    }

    int longestSimilarList() {
        return similar.stream().mapToInt(BoundedNeighbours::size).max().orElse(0);
    }
}
