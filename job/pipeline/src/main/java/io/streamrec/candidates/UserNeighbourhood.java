package io.streamrec.candidates;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Who else acts like a user: the recent users of each item, and per user the users who recently
 * interacted with the same items, weighted by shared events decayed at {@code halfLife} (stored
 * anchored, see {@link HalfLife}, so the bounded lists evict the weakest at the current time). An
 * event of user {@code u} on item {@code i} adds 1 to the similarity of {@code u} and each recent
 * user {@code v} of {@code i}, both ways. Both lists are capped: state grows with users and items.
 */
final class UserNeighbourhood {
    private final int usersPerItem;
    private final int similarPerUser;
    private final HalfLife halfLife;
    private final Map<String, RecentKeys> recentUsers = new HashMap<>();
    private final Map<String, BoundedNeighbours> similar = new HashMap<>();

    UserNeighbourhood(int usersPerItem, int similarPerUser, HalfLife halfLife) {
        this.usersPerItem = usersPerItem;
        this.similarPerUser = similarPerUser;
        this.halfLife = halfLife;
    }

    void add(String user, String item, long t) {
        RecentKeys users = recentUsers.computeIfAbsent(item, i -> new RecentKeys(usersPerItem));
        double one = halfLife.anchor(1.0, t);
        for (String other : users.mostRecent(usersPerItem)) {
            if (!other.equals(user)) {
                similarTo(user).merge(other, one, HalfLife::log2Sum);
                similarTo(other).merge(user, one, HalfLife::log2Sum);
            }
        }
        users.add(user);
    }

    private BoundedNeighbours similarTo(String user) {
        return similar.computeIfAbsent(user, u -> new BoundedNeighbours(similarPerUser));
    }

    /** The similarity of {@code u} to {@code v} at time {@code t}: decayed shared events. */
    double similarity(String u, String v, long t) {
        BoundedNeighbours row = similar.get(u);
        return row == null ? 0.0 : halfLife.valueAt(row.weight(v), t);
    }

    /**
     * {@code sum_v sim(u, v) * decay^p} over the similar users {@code v} of {@code user} and their
     * {@code itemsPerUser} most recent items, {@code p} being the item's position (0 = latest).
     */
    Map<String, Double> recentItemsOfSimilar(
            String user,
            long t,
            Function<String, RecentKeys> histories,
            int itemsPerUser,
            double decay) {
        Map<String, Double> scores = new HashMap<>();
        BoundedNeighbours row = similar.get(user);
        if (row == null) {
            return scores;
        }
        for (int s = 0; s < row.size(); s++) {
            RecentKeys items = histories.apply(row.key(s));
            if (items == null) {
                continue;
            }
            double weight = halfLife.valueAt(row.weightAt(s), t);
            for (String item : items.mostRecent(itemsPerUser)) {
                scores.merge(item, weight, Double::sum);
                weight *= decay;
            }
        }
        return scores;
    }

    int longestRecentUsers() {
        return recentUsers.values().stream().mapToInt(RecentKeys::size).max().orElse(0);
    }

    int longestSimilarList() {
        return similar.values().stream().mapToInt(BoundedNeighbours::size).max().orElse(0);
    }

    List<String> mostSimilar(String user) {
        BoundedNeighbours row = similar.get(user);
        return row == null ? List.of() : row.strongest();
    }
}
