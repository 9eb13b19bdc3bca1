package io.streamrec.ranking;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The DP-SGD guarantee of the scorer's weights, by Rényi differential privacy. Every training list
 * (one event) enters exactly one step of a run (a replay after a restore is another;
 * docs/privacy.md) and no step subsamples, so for one event a step is one Gaussian mechanism on the
 * sum of clipped gradients: sensitivity {@code C}, noise {@code σC}, {@code RDP(α) = α / (2σ²)},
 * under zero-out adjacency (the event's list contributes nothing; the steps' boundaries, which
 * count events, stay where they were). A user whose events made {@code n} lists composes {@code n}
 * of them, {@code RDP(α) = n·α / (2σ²)}. The conversion to {@code (ε, δ)} is the standard one,
 * {@code ε = min over α > 1 of RDP(α) + ln(1/δ) / (α − 1)}, whose minimum has the closed form
 * {@code ε = n/(2σ²) + sqrt(2 n ln(1/δ)) / σ} at {@code α = 1 + σ·sqrt(2 ln(1/δ) / n)}.
 *
 * <p>What the guarantee covers: the scorer's parameters as a function of the training lists, with
 * the lists' features taken as given. The features come from the candidate statistics, exact
 * aggregates of everyone's events, which are not private (docs/privacy.md). Also counts the lists
 * per user, for the user-level figure; not thread-safe.
 *
 * <p>The per-user counts are bounded: at most {@code trackedUsers} users are kept, as in the
 * Space-Saving algorithm. When a new user arrives with the table full, a user of the smallest count
 * is evicted and {@link #floor} rises to that count; a user not in the table starts at {@code floor
 * + 1}. Every kept count is then at least the user's true count and every untracked user's true
 * count is at most {@code floor}, so {@link #maxListsPerUser} is an upper bound on the most active
 * user's count, exact while no user was evicted. A forgotten user's id is dropped but the maximum
 * stays: the weights still carry that user's lists.
 */
public final class PrivacyAccountant {
    /** The δ the figures are reported at. */
    public static final double DEFAULT_DELTA = 1e-5;

    private final double noiseMultiplier;
    private final double delta;

    /** Users whose counts are kept by default: a few MB of ids and counts. */
    public static final int DEFAULT_TRACKED_USERS = 50_000;

    private final int trackedUsers;
    private final Map<String, Integer> listsPerUser = new HashMap<>();

    /** The kept users by count, for evicting one of the smallest. */
    private final TreeMap<Integer, Set<String>> usersByCount = new TreeMap<>();

    /** The largest count evicted: no untracked user has more lists. */
    private int floor;

    private int maxListsPerUser;
    private long lists;

    public PrivacyAccountant(double noiseMultiplier, double delta) {
        this(noiseMultiplier, delta, DEFAULT_TRACKED_USERS);
    }

    /**
     * @param trackedUsers the most users whose counts are kept (see the class comment)
     */
    public PrivacyAccountant(double noiseMultiplier, double delta, int trackedUsers) {
        if (trackedUsers < 1) {
            throw new IllegalArgumentException("tracked users must be >= 1: " + trackedUsers);
        }
        this.trackedUsers = trackedUsers;
        if (!(noiseMultiplier > 0) || !(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException(
                    "noise multiplier must be > 0 and δ in (0, 1): "
                            + noiseMultiplier
                            + ", "
                            + delta);
        }
        this.noiseMultiplier = noiseMultiplier;
        this.delta = delta;
    }

    /**
     * ε of {@code n} composed Gaussian mechanisms of noise multiplier {@code sigma} at {@code
     * delta}; 0 for no mechanism.
     */
    public static double epsilon(long n, double sigma, double delta) {
        if (n <= 0) {
            return 0;
        }
        double log = Math.log(1 / delta);
        return n / (2 * sigma * sigma) + Math.sqrt(2 * n * log) / sigma;
    }

    /** The Rényi divergence bound of {@code n} composed mechanisms at order {@code alpha}. */
    static double rdp(long n, double sigma, double alpha) {
        return n * alpha / (2 * sigma * sigma);
    }

    /** One training list of {@code userId}'s. */
    public void record(String userId) {
        lists++;
        Integer count = listsPerUser.get(userId);
        if (count == null) {
            if (listsPerUser.size() == trackedUsers) {
                evictOneOfTheSmallest();
            }
            count = floor;
        } else {
            unindex(userId, count);
        }
        count++;
        listsPerUser.put(userId, count);
        usersByCount.computeIfAbsent(count, c -> new LinkedHashSet<>()).add(userId);
        maxListsPerUser = Math.max(maxListsPerUser, count);
    }

    private void evictOneOfTheSmallest() {
        Map.Entry<Integer, Set<String>> smallest = usersByCount.firstEntry();
        Iterator<String> users = smallest.getValue().iterator();
        listsPerUser.remove(users.next());
        users.remove();
        if (smallest.getValue().isEmpty()) {
            usersByCount.remove(smallest.getKey());
        }
        floor = Math.max(floor, smallest.getKey());
    }

    private void unindex(String userId, int count) {
        Set<String> users = usersByCount.get(count);
        users.remove(userId);
        if (users.isEmpty()) {
            usersByCount.remove(count);
        }
    }

    /**
     * Drops a forgotten user's count; {@link #maxListsPerUser} keeps any count the user reached,
     * since the weights were trained on those lists.
     */
    public void forget(String userId) {
        Integer count = listsPerUser.remove(userId);
        if (count != null) {
            unindex(userId, count);
        }
    }

    /** Users whose counts are kept (at most the bound given to the constructor). */
    public int trackedUsers() {
        return listsPerUser.size();
    }

    /** A kept user's count, 0 for one not kept. */
    public int listsOf(String userId) {
        return listsPerUser.getOrDefault(userId, 0);
    }

    /** ε of one event (one list): example-level DP. */
    public double eventEpsilon() {
        return epsilon(1, noiseMultiplier, delta);
    }

    /** ε of a user with {@code n} trained lists (user-level DP for users with at most n). */
    public double userEpsilon(long n) {
        return epsilon(n, noiseMultiplier, delta);
    }

    /**
     * The most lists one user contributed so far: an upper bound, exact while at most the tracked
     * users' bound of users were seen (see the class comment).
     */
    public int maxListsPerUser() {
        return maxListsPerUser;
    }

    public long lists() {
        return lists;
    }

    public double delta() {
        return delta;
    }

    /**
     * A line for logs: event-level ε, the most active user's, and for {@code floodBound} > 0 (the
     * most events the flood limit lets a user contribute in a day) that bound's.
     */
    public String report(long floodBound) {
        String line =
                String.format(
                        Locale.ROOT,
                        "DP-SGD σ %.3g, δ %.0e: event-level ε %.3g; %,d lists, most from one user"
                                + " %,d: ε %.3g",
                        noiseMultiplier,
                        delta,
                        eventEpsilon(),
                        lists,
                        maxListsPerUser,
                        userEpsilon(maxListsPerUser));
        if (floodBound > 0) {
            line +=
                    String.format(
                            Locale.ROOT,
                            "; a user at the flood limit's daily bound (%,d events): ε %.3g per day",
                            floodBound,
                            userEpsilon(floodBound));
        }
        return line;
    }
}
